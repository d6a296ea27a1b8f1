"""The labelled corpora: reading both formats, and lining labels up with occurrences.

- **v2** (``tests/labelled/v2/<split>/*.yaml``): a mapping ``{meta, items}``; each use has its
  offset ``at`` and two readers' labels ``a`` and ``b`` (see ``tests/labelled/v2/README.md``).
  The label scored against follows the written rules of :func:`gold`: agreement, a clarity
  dispute (``disputed``), or a third reader's adjudication.
- **v1** (``tests/labelled/*.yaml``): a list of items with ``expect`` entries in order and one
  reader's label each; lined up with occurrences by order per term.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import TermlintError

LABELLED = Path(__file__).resolve().parents[2] / "tests" / "labelled"
V2 = LABELLED / "v2"
V2_SPLITS = (
    "train",
    "dev",
    "dev-b",
    "blind-a",
    "blind-b",
    "blind-c",
    "blind-d",
    "blind-e",
    "blind-f",
)
BROADER = {
    "goal-guarding-schemer": "power-motivated-training-gamer",
    "worst-case-assumption": "worst-case-model",
}


@dataclass
class LabelledItem:
    id: str
    split: str
    kind: str  # document | passage | sentence
    text: str
    uses: list[dict] = field(default_factory=list)  # v2: {term, match, at, a, b, gold}
    expect: list[dict] | None = None  # v1: {term, label} in order
    file: str = ""
    register: str = ""
    label_all: tuple[str, str] | None = None  # (term, label) for every use: glossary examples


def gold(use: dict) -> str:
    """The label a use is scored against: a sense id, ``ambiguous``, ``mention``, ``none``,
    ``colloquial``, ``disputed:<sense>`` (one reader said ambiguous, the other that sense), or
    ``unscored`` (a disagreement not yet adjudicated)."""
    a, b = use.get("a"), use.get("b")
    if "gold" in use:
        if use["gold"] == "disputed":  # the third reader found it a clarity dispute
            other = b if a == "ambiguous" else a
            return f"disputed:{other}"
        return str(use["gold"])
    if b is None or a == b:
        return str(a)
    if BROADER.get(str(a)) == b:
        return str(b)
    if BROADER.get(b) == a:
        return str(a)
    if "ambiguous" in (a, b):
        other = b if a == "ambiguous" else a
        if other not in ("mention", "none"):
            return f"disputed:{other}"
    return "unscored"


def is_v2(folder: Path) -> bool:
    """Whether a folder holds the v2 corpus (one subfolder per split)."""
    return any((folder / split).is_dir() for split in V2_SPLITS)


def load_corpus(splits=V2_SPLITS, folder: Path = V2) -> list[LabelledItem]:
    """Items of the v2 corpus in the given splits; a broken file is an input error naming it."""
    from ..project.datafiles import read_yaml_file

    items = []
    for split in splits:
        for path in sorted((folder / split).glob("*.yaml")):
            data = read_yaml_file(path)
            if not isinstance(data, dict) or not isinstance(data.get("items"), list):
                raise TermlintError("expected a mapping with `meta` and a list `items`", str(path))
            for n, raw in enumerate(data["items"]):
                if (
                    not isinstance(raw, dict)
                    or not isinstance(raw.get("text"), str)
                    or not isinstance(raw.get("uses") or [], list)
                ):
                    raise TermlintError(f"item {n + 1} needs `text` and a list `uses`", str(path))
                items.append(
                    LabelledItem(
                        str(raw.get("id")),
                        split,
                        str(raw.get("kind")),
                        raw["text"],
                        list(raw.get("uses") or []),
                        file=path.name,
                        register=str(raw.get("register")),
                    )
                )
    return items


def load_v1(split: str, folder: Path = LABELLED) -> list[LabelledItem]:
    from .evaluate import load_items

    return [
        LabelledItem(
            str(it.get("id")),
            str(it.get("split")),
            str(it.get("kind", "sentence")),
            it["text"],
            expect=list(it.get("expect") or []),
            file=it["_file"],
        )
        for it in load_items(folder, split)
    ]


def glossary_examples(glossary) -> list[LabelledItem]:
    """The glossary's own examples as labelled texts: a clear example and an unclear one's
    rewrite are read in their sense, an unclear example is ``ambiguous`` (written by the
    project for this purpose; see the glossary's README)."""
    items = []
    for term in glossary.terms.values():
        if not term.multi_sense:
            continue
        for sense in term.senses:
            for n, text in enumerate(sense.clear_examples):
                items.append(
                    LabelledItem(
                        f"glossary:{sense.term_id}#{sense.id}:clear{n}",
                        "glossary",
                        "sentence",
                        text + "\n",
                        label_all=(term.id, sense.id),
                    )
                )
            for n, (text, rewrite) in enumerate(sense.unclear_examples):
                items.append(
                    LabelledItem(
                        f"glossary:{sense.term_id}#{sense.id}:unclear{n}",
                        "glossary",
                        "sentence",
                        text + "\n",
                        label_all=(term.id, "ambiguous"),
                    )
                )
                items.append(
                    LabelledItem(
                        f"glossary:{sense.term_id}#{sense.id}:rewrite{n}",
                        "glossary",
                        "sentence",
                        rewrite + "\n",
                        label_all=(term.id, sense.id),
                    )
                )
    return items


def align(item: LabelledItem, occurrences) -> list[tuple[int, str]]:
    """(occurrence index, gold label) for each labelled use termlint found."""
    if item.label_all is not None:
        term_id, label = item.label_all
        return [
            (i, label) for i, o in enumerate(occurrences) if o.term_id == term_id and not o.mention
        ]
    if item.expect is not None:
        return [(b, label) for b, label, _ in align_v1(item.expect, occurrences)[0]]
    out = []
    by_start: dict[int, int] = {}
    for n, occ in enumerate(occurrences):
        by_start[occ.start] = n
    for use in item.uses:
        at = use.get("at")
        i = by_start.get(at) if at is not None else None
        if i is None:
            # a match termlint reads as a longer or shorter phrase: overlap
            for j, occ in enumerate(occurrences):
                if at is not None and occ.start <= at < occ.end:
                    i = j
                    break
        if i is not None:
            out.append((i, gold(use)))
    return out


def align_v1(expected: list[dict], occurrences):
    """Line v1 labels up with occurrences by order per term: (pairs, missing, extra)."""
    exp_terms = [e["term"] for e in expected]
    pred = [(i, o) for i, o in enumerate(occurrences) if o.term_id in set(exp_terms)]
    pred_terms = [o.term_id for _, o in pred]
    matcher = difflib.SequenceMatcher(a=exp_terms, b=pred_terms, autojunk=False)
    pairs: list[tuple[int, str, int]] = []
    missing: list[int] = []
    extra: list[int] = []
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        if tag == "equal" or (tag == "replace" and a1 - a0 == b1 - b0):
            for a, b in zip(range(a0, a1), range(b0, b1), strict=True):
                pairs.append((pred[b][0], expected[a]["label"], a))
            continue
        missing.extend(range(a0, a1))
        extra.extend(pred[b][0] for b in range(b0, b1))
    return pairs, missing, extra
