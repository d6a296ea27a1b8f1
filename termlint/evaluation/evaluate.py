"""Accuracy against a labelled set: how well termlint tells senses apart.

The labelled set is YAML (see ``tests/labelled/README.md``): items with Markdown ``text`` and the
expected occurrences in order, each ``{term, label}`` where the label is a sense id,
``ambiguous``, or ``mention``. Predicted occurrences are aligned to expected ones per term, in
order; extra or missing occurrences are counted as detection errors.
"""

from __future__ import annotations

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
    per_sense: dict = field(default_factory=dict)  # (term, gold label) -> Counter
    disputed_total: int = 0  # one reader said ambiguous, the other a sense: scored apart
    disputed_flagged: int = 0
    unscored: int = 0  # readers disagreed and nobody adjudicated yet
    document_words: int = 0
    document_false_flags: int = 0  # flags on uses both readers call clear, in documents
    errors: list[str] = field(default_factory=list)

    @property
    def false_flags_per_1000_words(self) -> float:
        return (
            1000 * self.document_false_flags / self.document_words if self.document_words else 0.0
        )

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
            if (
                not isinstance(item, dict)
                or not isinstance(item.get("text"), str)
                or not isinstance(item.get("expect") or [], list)
            ):
                raise TermlintError(
                    "an item needs 'text' (Markdown) and 'expect' (a list of {term, label})",
                    str(path),
                    line,
                )
            if not isinstance(item.get("id"), (str, int)) or isinstance(item.get("id"), bool):
                raise TermlintError("an item needs an 'id' (a name or number)", str(path), line)
            item["id"] = str(item["id"])
            if "split" in item:
                if not isinstance(item["split"], (str, int)) or isinstance(item["split"], bool):
                    raise TermlintError(
                        "an item's 'split' must be a name (dev, heldout, …), "
                        f"got {_kind(item['split'])}",
                        str(path),
                        line,
                    )
                item["split"] = str(item["split"])
            for expected in item.get("expect") or []:
                if not isinstance(expected, dict) or not {"term", "label"} <= expected.keys():
                    raise TermlintError(
                        "each 'expect' entry needs 'term' and 'label'", str(path), line
                    )
                for key in ("term", "label"):
                    if not isinstance(expected[key], str):
                        raise TermlintError(
                            f"an 'expect' entry's {key!r} must be a name, got "
                            f"{_kind(expected[key])}",
                            str(path),
                            line,
                        )
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
                raise TermlintError(
                    f"item {quote(item['id'])}: unknown term {quote(expected['term'])}", *where
                )
            label = expected["label"]
            if label not in (AMBIGUOUS, MENTION) and term.sense(label) is None:
                known = ", ".join([s.id for s in term.senses] + [AMBIGUOUS, MENTION])
                raise TermlintError(
                    f"item {quote(item['id'])}: {quote(label)} is not a sense "
                    f"of {quote(expected['term'])} (known: {known})",
                    *where,
                )


def evaluate(items: list[dict], project) -> Scores:
    """Lint every v1 item and compare with its labels (lined up by order per term)."""
    from ..pipeline import lint_text
    from .corpus import align_v1

    scores = Scores()
    terms = {e["term"] for item in items for e in item.get("expect") or []}
    for item in items:
        result = lint_text(item["text"], f"{item['_file']}#{item['id']}", project, group="use")
        if result.error is not None:
            scores.errors.append(f"{item['id']}: {result.error}")
            continue
        flagged = {d.start for d in result.diagnostics if d.rule == "ambiguous-term"}
        occurrences = [o for o in result.occurrences if o.term_id in terms]
        expected = list(item.get("expect") or [])
        pairs, missing, extra = align_v1(expected, occurrences)
        for a in missing:
            _missing(scores, item["id"], expected[a]["term"], expected[a]["label"], a)
        for b in extra:
            _extra(scores, item["id"], occurrences[b], occurrences[b].start in flagged)
        for b, gold, a in pairs:
            occ = occurrences[b]
            _score_pair(
                scores,
                item["id"],
                expected[a]["term"],
                gold,
                occ,
                occ.start in flagged,
                project.glossary,
            )
        if item.get("kind") == "document":
            scores.document_words += len(item["text"].split())
    return scores


def evaluate_corpus(items, project) -> Scores:
    """Lint every v2 item and compare with its two readers' labels (lined up by offset).

    The label scored against follows the corpus rules (:func:`corpus.gold`): a clarity dispute
    counts on neither side of precision and recall and is reported apart; an unadjudicated
    disagreement is not scored; a use labelled ``none`` that termlint reads as a term is a
    detection error, and a flag on it a false flag.
    """
    from ..pipeline import lint_text
    from .corpus import gold

    scores = Scores()
    for item in items:
        result = lint_text(item.text, f"{item.file}#{item.id}", project, group="use")
        if result.error is not None:
            scores.errors.append(f"{item.id}: {result.error}")
            continue
        flagged = {d.start for d in result.diagnostics if d.rule == "ambiguous-term"}
        by_start = {o.start: o for o in result.occurrences}
        seen = set()
        for n, use in enumerate(item.uses):
            label = gold(use)
            occ = by_start.get(use.get("at"))
            if occ is None:
                occ = next(
                    (o for o in result.occurrences if o.start <= (use.get("at") or -1) < o.end),
                    None,
                )
            if occ is not None:
                seen.add(occ.start)
            if label == "none":
                if occ is not None and not occ.mention:
                    _extra(scores, item.id, occ, occ.start in flagged)
                continue
            if occ is None:
                _missing(scores, item.id, use["term"], label, n)
                continue
            is_flagged = occ.start in flagged
            if (
                item.kind == "document"
                and is_flagged
                and label not in (AMBIGUOUS,)
                and not label.startswith("disputed")
            ):
                scores.document_false_flags += 1
            _score_pair(scores, item.id, use["term"], label, occ, is_flagged, project.glossary)
        for occ in result.occurrences:
            if occ.start not in seen and occ.term_id in {u["term"] for u in item.uses} | {
                "scheming",
                "alignment-faking",
                "deceptive-alignment",
                "sandbagging",
            }:
                _extra(scores, item.id, occ, occ.start in flagged)
        if item.kind == "document":
            scores.document_words += len(item.text.split())
    return scores


def _missing(scores: Scores, item_id: str, term: str, label: str, n: int) -> None:
    scores.missing_occurrences += 1
    if label == AMBIGUOUS:
        scores.missed += 1
    scores.errors.append(f"{item_id}: missed occurrence #{n + 1} ({term}, {label})")


def _extra(scores: Scores, item_id: str, occ, is_flagged: bool) -> None:
    scores.extra_occurrences += 1
    if is_flagged:
        scores.flagged_false += 1
    scores.errors.append(f"{item_id}: extra occurrence {occ.match!r} ({occ.status}, {occ.sense})")


def _score_pair(
    scores: Scores, item_id: str, term_id: str, gold: str, occ, is_flagged: bool, glossary
) -> None:
    """Score one labelled use against what termlint read."""
    if gold == "unscored":
        scores.unscored += 1
        return
    scores.occurrences += 1
    tally = scores.per_term.setdefault(term_id, Counter())
    if gold.startswith("disputed"):
        scores.disputed_total += 1
        scores.disputed_flagged += is_flagged
        tally["disputed"] += 1
        tally["disputed_flagged"] += is_flagged
        return
    sense_tally = scores.per_sense.setdefault((term_id, gold), Counter())
    sense_tally["n"] += 1
    sense_tally["flagged"] += is_flagged
    if gold == AMBIGUOUS:
        tally["tp" if is_flagged else "fn"] += 1
        if is_flagged:
            scores.flagged_true += 1
        else:
            scores.missed += 1
            scores.errors.append(
                f"{item_id}: unflagged ambiguous {occ.match!r} read as {occ.sense} ({occ.status})"
            )
        return
    tally["fp"] += is_flagged
    if is_flagged:
        scores.flagged_false += 1
        scores.errors.append(f"{item_id}: false flag on {occ.match!r} (gold {gold})")
    if gold == MENTION:
        scores.mention_total += 1
        scores.mention_flagged += is_flagged
        return
    tally["clear"] += 1
    tally["right"] += occ.sense == gold
    if gold == NON_AI:
        scores.non_ai_total += 1
        scores.non_ai_flagged += is_flagged
    scores.sense_total += 1
    predicted_sense = occ.sense or ("?" if is_flagged else str(occ.status))
    scores.confusion[(gold, predicted_sense)] += 1
    term = glossary.terms.get(term_id)
    related = occ.sense == gold or bool(term and occ.sense and _related(term, gold, occ.sense))
    sense_tally["right"] += occ.sense == gold
    sense_tally["family"] += related
    if occ.sense == gold:
        scores.sense_right += 1
        scores.sense_family += 1
        return
    if related:
        scores.sense_family += 1
    if not is_flagged:
        scores.sense_unflagged_wrong += 1
        scores.errors.append(
            f"{item_id}: {occ.match!r} read as {occ.sense} ({occ.status}), gold {gold}"
        )


def _related(term, a: str, b: str) -> bool:
    sa, sb = term.sense(a), term.sense(b)
    return bool(sa and sb and (sa.broader == b or sb.broader == a))


def report(scores: Scores, title: str, per_sense: bool = True) -> str:
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
    ]
    if s.disputed_total or s.unscored:
        lines.append(
            f"| disputed clarity (readers split; not scored) | {s.disputed_total}, "
            f"{s.disputed_flagged} of them flagged |"
        )
        lines.append(f"| readers disagree, not adjudicated (not scored) | {s.unscored} |")
    if s.document_words:
        lines.append(
            f"| false flags in documents per 1,000 words | "
            f"{s.false_flags_per_1000_words:.2f} ({s.document_false_flags} in "
            f"{s.document_words:,} words) |"
        )
    lines += [
        "",
        "| term | precision | recall | F1 | flags right | flags wrong | unclear missed | "
        "clear uses read right |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for term, t in sorted(s.per_term.items()):
        p = t["tp"] / (t["tp"] + t["fp"]) if t["tp"] + t["fp"] else 1.0
        r = t["tp"] / (t["tp"] + t["fn"]) if t["tp"] + t["fn"] else 1.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        acc = t["right"] / t["clear"] if t["clear"] else 1.0
        lines.append(
            f"| {term} | {p:.2f} | {r:.2f} | {f:.2f} | {t['tp']} | {t['fp']} | "
            f"{t['fn']} | {t['right']} of {t['clear']} ({acc:.2f}) |"
        )
    if per_sense and s.per_sense:
        lines += [
            "",
            "| term | label | uses | flagged | read right | right up to family |",
            "|---|---|---|---|---|---|",
        ]
        for (term, label), t in sorted(s.per_sense.items()):
            right = "" if label == AMBIGUOUS else str(t["right"])
            family = "" if label == AMBIGUOUS else str(t["family"])
            lines.append(f"| {term} | {label} | {t['n']} | {t['flagged']} | {right} | {family} |")
    return "\n".join(lines) + "\n"
