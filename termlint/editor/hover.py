"""Hover text for a use of a glossary term: how it was read, why, and the other senses."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..reporters.senses import settled_elsewhere
from ..rules.kinds import sense_url

if TYPE_CHECKING:
    from ..model import FileResult, Occurrence
    from ..pipeline import Project

STATUS = {
    "ambiguous": "its sense cannot be told here",
    "inconsistent": "read in a sense other than the one the document set up",
    "declared": "declared for the document",
    "linked": "linked to a sense",
    "defined": "defined here",
    "established": "set up earlier in the document",
}


def occurrence_at(result: FileResult, offset: int) -> Occurrence | None:
    """The use under the cursor (a cursor just after a word is still on it)."""
    for occ in result.occurrences:
        if occ.start <= offset <= occ.end:
            return occ
    return None


def _first_sentence(text: str) -> str:
    text = " ".join(text.split())
    end = text.find(". ")
    return text if end < 0 else text[: end + 1]


def _pct(p: float) -> str:
    return f"{p:.0%}" if p >= 0.01 or p == 0 else "<1%"


def _link(text: str, url: str) -> str:
    """A Markdown link, or the bare text when there is no site to link to (no docs_url)."""
    return f"[{text}]({url})" if url else text


def hover_markdown(occ: Occurrence, project: Project) -> str:
    """Markdown for a hover over ``occ``: the sense and its probability, the evidence, the
    sense's definition, then every other sense on one line."""
    term = project.glossary.terms.get(occ.term_id)
    if term is None:
        return f"**{occ.match}**"
    docs = project.config.docs_url
    scores = dict(getattr(occ, "scores", None) or {})
    sense_id = getattr(occ, "sense", None)
    status = str(getattr(getattr(occ, "status", ""), "value", getattr(occ, "status", "")))
    sense = term.sense(sense_id) if sense_id else None
    lines = []
    if sense is not None:
        p = scores.get(sense.id, getattr(occ, "confidence", 0.0))
        alone = (
            " from this sentence alone: the document's definition settles it"
            if settled_elsewhere(status, getattr(occ, "confidence", 1.0))
            else ""
        )
        lines.append(
            f"**{occ.match}** — read as "
            f"**{_link(sense.label, sense_url(docs, term.id, sense.id))}** (`{sense.id}`), "
            f"probability {_pct(p)}{alone}"
        )
    else:
        lines.append(
            f"**{occ.match}** ({_link(term.term, sense_url(docs, term.id))}) — "
            "the sense cannot be told here"
        )
    if status in STATUS and (sense is not None or status != "ambiguous"):
        lines.append(f"*{STATUS[status]}*")
    if occ.mention:
        lines.append("*a mention of the word, not a use*")
    evidence = list(getattr(occ, "evidence", None) or [])
    if evidence:
        lines.append("")
        lines.append("Why: " + "; ".join(evidence[:6]))
    if sense is not None:
        lines += ["", f"> {' '.join(sense.definition.split())}"]
    candidates = list(getattr(occ, "candidates", None) or [])
    order = sorted(
        term.senses,
        key=lambda s: (
            -scores.get(s.id, 0.0),
            candidates.index(s.id) if s.id in candidates else len(term.senses),
        ),
    )
    others = [s for s in order if s is not sense]
    if others:
        lines += ["", "Other senses:" if sense is not None else "Its senses:", ""]
        for s in others:
            p = (
                f" — {_pct(scores[s.id])}"
                if s.id in scores
                else (" — a candidate" if s.id in candidates else "")
            )
            lines.append(
                f"- {_link(s.label, sense_url(docs, term.id, s.id))} (`{s.id}`){p}: "
                f"{_first_sentence(s.definition)}"
            )
    return "\n".join(lines)
