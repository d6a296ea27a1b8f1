"""A glossary term rendered for the terminal (``termlint glossary show``)."""

from __future__ import annotations

import textwrap

from .entries import Glossary, Term


def _value(v) -> str:
    if v is True:
        return "yes"
    if v is False:
        return "no"
    return "—" if v is None else str(v)


def render_term(term: Term, glossary: Glossary, width: int = 100) -> str:
    width = max(60, min(width, 110))
    wrap = textwrap.TextWrapper(width=width, initial_indent="  ", subsequent_indent="  ")
    out = [f"{term.term}  ({term.id})", "=" * min(width, len(term.term) + len(term.id) + 4), ""]
    out += wrap.wrap(" ".join(term.summary.split())) + [""]
    out.append("Counts as this term: " + ", ".join(term.forms + term.verb_forms))
    if term.verb_forms:
        out.append(f"  ({', '.join(term.verb_forms)} only as a verb)")
    out.append("")
    for i, sense in enumerate(term.senses, 1):
        out.append(f"{i}. {sense.label}  [{sense.id}]" + ("" if sense.ai else "  (not about AI)"))
        out += wrap.wrap(" ".join(sense.definition.split()))
        if sense.clarifications:
            out.append("  Clarify as: " + " | ".join(sense.clarifications[:2]))
        if sense.cues:
            cues = ", ".join(c.phrase for c in sense.cues[:10])
            out += textwrap.wrap(
                "Cues: " + cues + (" …" if len(sense.cues) > 10 else ""),
                width=width,
                initial_indent="  ",
                subsequent_indent="    ",
            )
        out.append("")
    if term.features and term.multi_sense:
        out.append("Side by side")
        out.append("------------")
        pad = max(len(s.id) for s in term.senses) + 2
        for feature in term.features:
            out.append(f"{feature['label']}:")
            for sense in term.senses:
                value = _value(sense.features.get(feature["id"]))
                out.append(f"  {sense.id:<{pad}}{value}")
        out.append("")
    if term.confusions:
        out.append("Common confusions")
        for c in term.confusions:
            out += textwrap.wrap(
                " ".join(c.split()), width=width, initial_indent="  - ", subsequent_indent="    "
            )
        out.append("")
    keys = []
    for cite in [*term.sources, *(c for s in term.senses for c in s.sources)]:
        if cite.key not in keys:
            keys.append(cite.key)
    if keys:
        out.append("Sources")
        for key in keys:
            src = glossary.sources.get(key)
            if src:
                year = f" ({src.year})" if src.year else ""
                out.append(
                    f"  [{key}] {', '.join(src.authors[:3])}"
                    f"{' et al.' if len(src.authors) > 3 else ''}{year}. {src.title}. "
                    f"{src.url}"
                )
    return "\n".join(out).rstrip() + "\n"
