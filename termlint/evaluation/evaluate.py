"""Accuracy against a labelled set: how well termlint tells senses apart.

The labelled set is YAML (see ``tests/labelled/README.md``): items with Markdown ``text`` and the
expected occurrences in order, each ``{term, label}`` where the label is a sense id,
``ambiguous``, or ``mention``. Predicted occurrences are aligned to expected ones per term, in
order; extra or missing occurrences are counted as detection errors.
"""

from __future__ import annotations

import difflib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

AMBIGUOUS = "ambiguous"
MENTION = "mention"
NON_AI = "colloquial"


@dataclass
class Scores:
    flagged_true: int = 0  # ambiguous and flagged
    flagged_false: int = 0  # flagged but a reader can tell (or not an occurrence)
    missed: int = 0  # ambiguous but not flagged
    sense_right: int = 0
    sense_family: int = 0  # right up to broader/narrower senses
    sense_total: int = 0
    sense_unflagged_wrong: int = 0
    non_ai_total: int = 0
    non_ai_flagged: int = 0
    mention_total: int = 0
    mention_flagged: int = 0
    extra_occurrences: int = 0
    missing_occurrences: int = 0
    occurrences: int = 0
    confusion: Counter = field(default_factory=Counter)
    per_term: dict = field(default_factory=dict)  # term -> Counter of tp / fp / fn / right / clear
    errors: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        d = self.flagged_true + self.flagged_false
        return self.flagged_true / d if d else 1.0

    @property
    def recall(self) -> float:
        d = self.flagged_true + self.missed
        return self.flagged_true / d if d else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def sense_accuracy(self) -> float:
        return self.sense_right / self.sense_total if self.sense_total else 1.0


def load_items(folder: Path, split: str = "all") -> list[dict]:
    """The labelled items of a split; a broken file or item is an input error naming it."""
    from ..errors import TermlintError
    from ..project.datafiles import read_yaml_file

    items = []
    for path in sorted(folder.glob("*.yaml")):
        data = read_yaml_file(path) or []
        if not isinstance(data, list):
            raise TermlintError("expected a list of labelled items", str(path))
        for index, item in enumerate(data):
            line = data.item_lines[index] if hasattr(data, "item_lines") else None
            if not isinstance(item, dict) or not isinstance(item.get("text"), str) or \
                    not isinstance(item.get("expect") or [], list):
                raise TermlintError("an item needs 'text' (Markdown) and 'expect' (a list of "
                                    "{term, label})", str(path), line)
            if not isinstance(item.get("id"), (str, int)) or isinstance(item.get("id"), bool):
                raise TermlintError("an item needs an 'id' (a name or number)", str(path), line)
            item["id"] = str(item["id"])
            if "split" in item:
                if not isinstance(item["split"], (str, int)) or isinstance(item["split"], bool):
                    raise TermlintError("an item's 'split' must be a name (dev, heldout, …), "
                                        f"got {_kind(item['split'])}", str(path), line)
                item["split"] = str(item["split"])
            for expected in item.get("expect") or []:
                if not isinstance(expected, dict) or not {"term", "label"} <= expected.keys():
                    raise TermlintError("each 'expect' entry needs 'term' and 'label'",
                                        str(path), line)
                for key in ("term", "label"):
                    if not isinstance(expected[key], str):
                        raise TermlintError(f"an 'expect' entry's {key!r} must be a name, got "
                                            f"{_kind(expected[key])}", str(path), line)
            if split in ("all", item.get("split")):
                item["_file"] = path.name
                item["_line"] = line
                item["_path"] = str(path)
                items.append(item)
    return items


def _kind(value) -> str:
    """What a YAML value is, in the words of the file (not the loader's class names)."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return "true/false"
    if value is None:
        return "nothing"
    return f"a {type(value).__name__}"


def check_labels(items: list[dict], glossary) -> None:
    """Every labelled term is in the glossary and every label one of its senses (or
    ``ambiguous`` / ``mention``): a typo in a label would silently count as an error."""
    from ..errors import TermlintError, quote

    for item in items:
        for expected in item.get("expect") or []:
            term = glossary.terms.get(expected["term"])
            where = (item.get("_path"), item.get("_line"))
            if term is None:
                raise TermlintError(f"item {quote(item['id'])}: unknown term "
                                    f"{quote(expected['term'])}", *where)
            label = expected["label"]
            if label not in (AMBIGUOUS, MENTION) and term.sense(label) is None:
                known = ", ".join([s.id for s in term.senses] + [AMBIGUOUS, MENTION])
                raise TermlintError(f"item {quote(item['id'])}: {quote(label)} is not a sense "
                                    f"of {quote(expected['term'])} (known: {known})", *where)


def evaluate(items: list[dict], project) -> Scores:
    """Lint every item and compare with its labels."""
    from ..pipeline import lint_text

    scores = Scores()
    terms = {e["term"] for item in items for e in item.get("expect") or []}
    for item in items:
        result = lint_text(item["text"], f"{item['_file']}#{item['id']}", project)
        if result.error is not None:
            scores.errors.append(f"{item['id']}: {result.error}")
            continue
        flagged = {d.start for d in result.diagnostics if d.rule == "ambiguous-term"}
        predicted = [o for o in result.occurrences if o.term_id in terms]
        expected = list(item.get("expect") or [])
        _score_item(item, expected, predicted, flagged, project.glossary, scores)
    return scores


def _score_item(item, expected, predicted, flagged, glossary, scores: Scores) -> None:
    exp_terms = [e["term"] for e in expected]
    pred_terms = [o.term_id for o in predicted]
    matcher = difflib.SequenceMatcher(a=exp_terms, b=pred_terms, autojunk=False)
    pairs = []
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        if tag == "equal" or (tag == "replace" and a1 - a0 == b1 - b0):
            pairs.extend(zip(range(a0, a1), range(b0, b1), strict=False))
            continue
        for a in range(a0, a1):
            scores.missing_occurrences += 1
            if expected[a]["label"] == AMBIGUOUS:
                scores.missed += 1
            scores.errors.append(f"{item['id']}: missed occurrence #{a + 1} "
                                 f"({expected[a]['term']}, {expected[a]['label']})")
        for b in range(b0, b1):
            scores.extra_occurrences += 1
            occ = predicted[b]
            if occ.start in flagged:
                scores.flagged_false += 1
            scores.errors.append(f"{item['id']}: extra occurrence {occ.match!r} "
                                 f"({occ.status}, {occ.sense})")
    for a, b in pairs:
        gold = expected[a]["label"]
        occ = predicted[b]
        is_flagged = occ.start in flagged
        scores.occurrences += 1
        tally = scores.per_term.setdefault(expected[a]["term"], Counter())
        if gold == AMBIGUOUS:
            tally["tp" if is_flagged else "fn"] += 1
        else:
            tally["fp"] += is_flagged
            if gold != MENTION:
                tally["clear"] += 1
                tally["right"] += occ.sense == gold
        if gold == AMBIGUOUS:
            if is_flagged:
                scores.flagged_true += 1
            else:
                scores.missed += 1
                scores.errors.append(f"{item['id']}: unflagged ambiguous {occ.match!r} "
                                     f"read as {occ.sense} ({occ.status})")
            continue
        if is_flagged:
            scores.flagged_false += 1
            scores.errors.append(f"{item['id']}: false flag on {occ.match!r} (gold {gold})")
        if gold == MENTION:
            scores.mention_total += 1
            scores.mention_flagged += is_flagged
            continue
        if gold == NON_AI:
            scores.non_ai_total += 1
            scores.non_ai_flagged += is_flagged
        scores.sense_total += 1
        predicted_sense = occ.sense or ("?" if is_flagged else occ.status)
        scores.confusion[(gold, predicted_sense)] += 1
        if occ.sense == gold:
            scores.sense_right += 1
            scores.sense_family += 1
        else:
            term = glossary.terms.get(expected[a]["term"])
            if term and occ.sense and _related(term, gold, occ.sense):
                scores.sense_family += 1
            if not is_flagged:
                scores.sense_unflagged_wrong += 1
                scores.errors.append(f"{item['id']}: {occ.match!r} read as {occ.sense} "
                                     f"({occ.status}), gold {gold}")


def _related(term, a: str, b: str) -> bool:
    sa, sb = term.sense(a), term.sense(b)
    return bool(sa and sb and (sa.broader == b or sb.broader == a))


def report(scores: Scores, title: str) -> str:
    s = scores
    lines = [
        f"## {title}",
        "",
        "| measure | value |",
        "|---|---|",
        f"| occurrences aligned | {s.occurrences} (missed {s.missing_occurrences}, "
        f"extra {s.extra_occurrences}) |",
        f"| `ambiguous-term` precision | {s.precision:.3f} ({s.flagged_true} of "
        f"{s.flagged_true + s.flagged_false} flags) |",
        f"| `ambiguous-term` recall | {s.recall:.3f} ({s.flagged_true} of "
        f"{s.flagged_true + s.missed} unclear uses) |",
        f"| `ambiguous-term` F1 | {s.f1:.3f} |",
        f"| sense accuracy on clear uses | {s.sense_accuracy:.3f} ({s.sense_right} of "
        f"{s.sense_total}; {s.sense_family} counting broader/narrower) |",
        f"| clear uses read as a wrong sense without a flag | {s.sense_unflagged_wrong} |",
        f"| false flags on non-AI uses | {s.non_ai_flagged} of {s.non_ai_total} |",
        f"| false flags on mentions | {s.mention_flagged} of {s.mention_total} |",
        "",
        "| term | flags right | flags wrong | unclear uses missed | clear uses read right |",
        "|---|---|---|---|---|",
    ]
    for term, t in sorted(s.per_term.items()):
        lines.append(f"| {term} | {t['tp']} | {t['fp']} | {t['fn']} | "
                     f"{t['right']} of {t['clear']} |")
    return "\n".join(lines) + "\n"
