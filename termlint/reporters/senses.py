"""The ``senses`` report: every use of a glossary term, how it was read, and why.

JSON (``termlint senses --format json``) keeps the contract of design.md — ``path``, ``line``,
``column``, ``match``, ``term``, ``sense``, ``confidence``, ``evidence`` — and adds
``probabilities`` (the learned probability of each sense) and ``reasons`` (the typed evidence:
kind, sense, weight, text). Text names senses by their labels, for writers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..glossary.entries import Glossary
    from ..model import FileResult, Occurrence


def occurrence_record(result: FileResult, occ: Occurrence) -> dict:
    from ..model import SourceText

    # A result from a worker keeps only some lines unless run with whole_source=True.
    assert isinstance(result.source, SourceText), "occurrence records need the whole source"
    line, column = result.source.line_col(occ.start)
    end_line, end_column = result.source.line_col(occ.end)
    return {
        "path": result.path,
        "line": line,
        "column": column,
        "end_line": end_line,
        "end_column": end_column,
        "match": occ.match,
        "term": occ.term_id,
        "sense": occ.sense,
        "confidence": occ.confidence,
        "status": str(occ.status),
        "evidence": occ.evidence,
        "candidates": occ.candidates,
        "mention": occ.mention,
        "in_blockquote": occ.in_blockquote,
        "probabilities": occ.scores,
        "reasons": occ.reasons,
    }


def document(records: list[dict]) -> dict:
    return {"version": 1, "occurrences": records}


def _label(glossary: Glossary, term_id: str, sense_id: str | None) -> str:
    term = glossary.terms.get(term_id)
    sense = term.sense(sense_id) if term and sense_id else None
    return sense.label if sense else (sense_id or "-")


_HOW = {
    "resolved": "read as",
    "declared": "declared as",
    "established": "read as",
    "defined": "defined as",
    "linked": "linked to",
    "inconsistent": "reads as",
    "colloquial": "everyday use:",
    "single-sense": "",
    "mention": "a mention of the word",
}


def text_lines(record: dict, glossary: Glossary, reasons: int = 4) -> list[str]:
    """A use in words a writer reads: the sense by its label, how sure, and why (terminal
    control characters shown escaped, never obeyed)."""
    from .text import visible

    where = visible(f"{record['path']}:{record['line']}:{record['column']}: '{record['match']}'")
    status = record["status"]
    if status == "ambiguous":
        shown = [_label(glossary, record["term"], s) for s in record["candidates"][:3]]
        head = (
            f"{where} — unclear: it could be "
            + ", ".join(shown[:-1])
            + (" or " if len(shown) > 1 else "")
            + shown[-1]
        )
    elif status == "mention":
        head = f"{where} — a mention of the word, not a use"
    else:
        how = _HOW.get(status, "read as")
        sense = _label(glossary, record["term"], record["sense"])
        head = f"{where} — {how} {sense}".replace("  ", " ")
        settled = settled_elsewhere(status, record["confidence"])
        if status not in ("declared", "linked", "single-sense") and not settled:
            head += f" ({round(record['confidence'] * 100)}% sure)"
        if status == "inconsistent":
            head += ", not the sense the document set"
    lines = [head] + [f"    because: {visible(why)}" for why in record["evidence"][:reasons]]
    if status != "ambiguous" and settled_elsewhere(status, record["confidence"]):
        lines.append(
            f"    note: this sentence alone gives that sense {round(record['confidence'] * 100)}%;"
            " a reader who skipped the definition may not tell"
        )
    return lines


#: Below this probability from its own words, a use the document's definition settles would
#: not be read that way without the definition (a majority, not a learned cut: it only chooses
#: how a reading is worded, never the reading).
ALONE_SETTLES = 0.5


def settled_elsewhere(status: str, confidence: float) -> bool:
    """A use read in the sense the document set up, though its own sentence would not say so:
    the reading comes from the definition, and "N% sure" would mislead."""
    return status == "established" and confidence < ALONE_SETTLES
