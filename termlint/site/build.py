"""The glossary as a static HTML site: ``termlint glossary build --out DIR``.

One page per term (``{term_id}.html``, each sense an anchor ``#{sense_id}``), one page per rule
(``rules/{rule_id}.html``), a bibliography (``sources.html#{key}``) and an index with a search
box. Every page works offline and from ``file://``: the search index is embedded in the index
page as well as written to ``search-index.json``, and all styles and scripts are local files.

Glossary text is untrusted: templates autoescape, Markdown is rendered with raw HTML off and
images off, and links are kept only for http, https, mailto and relative targets. The same
input always gives the same bytes (no timestamps, sorted iteration).
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from importlib import resources
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

from .. import __version__
from ..errors import TermlintError
from ..glossary.entries import Citation, Glossary, Sense, Term
from ..rules.load import Rule, rule_doc_markdown

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
SOURCE_KEY = re.compile(r"^[A-Za-z0-9_.:-]+$")
SAFE_SCHEMES = ("http", "https", "mailto")
RESERVED_PAGES = frozenset({"index", "sources", "search-index"})
ASSETS = ("style.css", "search.js")
INDEX_FILE = "search-index.json"


class SafeMarkdown(MarkdownIt):
    """CommonMark with raw HTML and images off and links limited to safe targets."""

    def __init__(self) -> None:
        super().__init__("commonmark", {"html": False})
        self.disable("image")  # an image would be a request leaving the machine

    def validateLink(self, url: str) -> bool:
        return is_safe_url(url)


def is_safe_url(url: str) -> bool:
    """True for http(s) and mailto URLs and for relative ones (no scheme at all).

    A colon before the first ``/``, ``?`` or ``#`` means a scheme; any other scheme —
    ``javascript:``, ``data:``, ``file:`` or an obfuscated spelling of one — is refused.
    """
    head = re.split(r"[/?#]", url.strip(), maxsplit=1)[0]
    if ":" not in head:
        return True
    scheme = head.split(":", 1)[0].lower()
    return scheme in SAFE_SCHEMES


_MD = SafeMarkdown()


def markdown_block(text: str) -> Markup:
    """Markdown to safe HTML (paragraphs, lists, code)."""
    return Markup(_MD.render(text))


def markdown_inline(text: str) -> Markup:
    """Markdown to safe inline HTML (no paragraph), for table cells and list items."""
    return Markup(_MD.renderInline(text))


# -- checks ------------------------------------------------------------------------------


def check_ids(glossary: Glossary, rules: dict[str, Rule]) -> None:
    """Refuse ids that would be unsafe or clash as file names or anchors."""
    for term in glossary.terms.values():
        where = term.path or f"glossary term {term.id!r}"
        if not SLUG.match(term.id):
            raise TermlintError(
                f"term id {term.id!r} is not a safe slug "
                f"(lowercase letters, digits and single hyphens)",
                where,
            )
        if term.id in RESERVED_PAGES:
            raise TermlintError(
                f"term id {term.id!r} is reserved for the site's own {term.id}.html page", where
            )
        for sense in term.senses:
            if not SLUG.match(sense.id):
                raise TermlintError(
                    f"sense id {sense.id!r} of term {term.id!r} is not a safe "
                    f"slug (lowercase letters, digits and single hyphens)",
                    where,
                )
    for key in glossary.sources:
        if not SOURCE_KEY.match(key):
            raise TermlintError(
                f"source key {key!r} may hold only letters, digits and _.:-", "sources.yaml"
            )
    for rule in rules.values():
        if not SLUG.match(rule.id):
            raise TermlintError(f"rule id {rule.id!r} is not a safe slug", rule.path or None)


def _clean_base_url(base_url: str) -> str:
    base = base_url.strip().rstrip("/")
    if base and not re.match(r"^https?://[^\s\"'<>]+$", base):
        raise TermlintError(f"--base-url must be an http or https URL, not {base_url!r}")
    return base


# -- view helpers ------------------------------------------------------------------------


def search_text(*parts: str) -> str:
    """Text as the search box compares it: no accents, lowercase, words split by spaces."""
    text = unicodedata.normalize("NFKD", " ".join(parts))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return " ".join(re.split(r"[\W_]+", text)).strip()


def split_label(label: str) -> tuple[str, str]:
    """``"Worst-case model (schemer as …)"`` -> ``("Worst-case model", "schemer as …")``."""
    m = re.match(r"^(.*\S)\s*\(([^()]*)\)$", label)
    return (m.group(1), m.group(2)) if m else (label, "")


def feature_value(value: Any) -> str:
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if value is None or value == "":
        return "—"
    return str(value)


def short_citation(glossary: Glossary, key: str) -> str:
    """``Carlsmith 2023``, ``Cotra and Roger 2021``, ``Meinke et al. 2024``."""
    source = glossary.sources.get(key)
    if source is None:
        return key
    names = [a for a in source.authors if a.strip().lower() not in ("et al.", "et al")]
    surnames = [_surname(a) for a in names if a.split()]
    if not surnames:
        who = source.title
    elif len(surnames) == 1 and len(source.authors) == 1:
        who = surnames[0]
    elif len(surnames) == 2 and len(source.authors) == 2:
        who = f"{surnames[0]} and {surnames[1]}"
    else:
        who = f"{surnames[0]} et al."
    return f"{who} {source.year}" if source.year else who


_PARTICLES = frozenset(
    {"van", "von", "der", "den", "de", "du", "da", "di", "del", "la", "le", "ter", "ten"}
)
_ORGANISATION = frozenset(
    {
        "research",
        "institute",
        "lab",
        "labs",
        "team",
        "foundation",
        "university",
        "group",
        "project",
        "contributors",
        "staff",
        "editors",
        "council",
        "committee",
        "centre",
        "center",
        "society",
        "inc",
        "ltd",
    }
)


def _surname(name: str) -> str:
    """``Joe Carlsmith`` -> ``Carlsmith``, ``Teun van der Weij`` -> ``van der Weij``.

    An organisation ("Apollo Research", "AI Safety Info (Stampy) contributors") stays whole.
    """
    words = name.split()
    lower = [w.lower().strip("().,") for w in words]
    if len(words) == 1 or any(w in _ORGANISATION or "(" in w for w in lower):
        return name.strip()
    if any(not w[0].isupper() and lw not in _PARTICLES for w, lw in zip(words, lower, strict=True)):
        return name.strip()
    start = len(words) - 1
    while start > 1 and lower[start - 1] in _PARTICLES:
        start -= 1
    return " ".join(words[start:])


def clarification_html(template: str, match: str) -> Markup:
    """A clarification with ``{match}`` shown as the word as a writer would have it."""
    pieces = [escape(p) for p in template.split("{match}")]
    return Markup(f'<span class="match">{escape(match)}</span>').join(pieces)


def _term_sort_key(term: Term) -> tuple[str, str]:
    return (search_text(term.term), term.id)


def _letter(term: Term) -> str:
    first = search_text(term.term)[:1].upper()
    return first if first.isalpha() else "#"


# -- the search index --------------------------------------------------------------------


def search_index(glossary: Glossary, rules: dict[str, Rule] | None = None) -> dict[str, Any]:
    """Everything the search box needs, in a stable order: terms, their senses, and rules."""
    terms = []
    for term in sorted(glossary.terms.values(), key=_term_sort_key):
        senses = [
            {
                "id": s.id,
                "label": s.label,
                "url": f"{term.id}.html#{s.id}",
                "text": search_text(s.id, s.label, s.definition, *(c.phrase for c in s.cues)),
            }
            for s in term.senses
        ]
        terms.append(
            {
                "id": term.id,
                "term": term.term,
                "url": f"{term.id}.html",
                "names": search_text(term.id, term.term, *term.forms, *term.verb_forms),
                "text": search_text(term.summary),
                "senses": senses,
            }
        )
    rule_rows = [
        {
            "id": rule.id,
            "url": f"rules/{rule.id}.html",
            "text": search_text(
                rule.id, rule.code or "", str(rule.doc.get("what", "")), *rule.terms
            ),
        }
        for _, rule in sorted((rules or {}).items())
    ]
    return {"version": 1, "terms": terms, "rules": rule_rows}


def _rule_markdown(rule: Rule, glossary: Glossary) -> str:
    """The rule's explain text with its references turned into links for the site.

    ``glossary:ID`` links to the term page, ``source:KEY`` to the bibliography, and a bare URL to
    itself; anything else stays as written.
    """

    def link(ref: str) -> str:
        kind, _, value = ref.partition(":")
        if kind == "glossary" and value in glossary.terms:
            return f"[{glossary.terms[value].term} (glossary)](../{value}.html)"
        if kind == "source" and value in glossary.sources:
            s = glossary.sources[value]
            return f"[{short_citation(glossary, value)}, *{s.title}*](../sources.html#{value})"
        if re.match(r"^https?://\S+$", ref):
            return f"<{ref}>"
        return ref

    refs = {f"- {r}": f"- {link(r)}" for r in rule.doc.get("references") or []}
    lines = rule_doc_markdown(rule).split("\n")
    try:
        start = lines.index("## References")
    except ValueError:
        return "\n".join(lines)
    return "\n".join(lines[:start] + [refs.get(ln, ln) for ln in lines[start:]])


def _json_for_script(data: Any) -> Markup:
    """JSON safe inside a ``<script type="application/json">`` element."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


# -- building ----------------------------------------------------------------------------


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("termlint.site", "templates/glossary_site"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        md=markdown_block, mdi=markdown_inline, value=feature_value, safe_url=is_safe_url
    )
    env.globals.update(
        split_label=split_label, clarification=clarification_html, version=__version__
    )
    return env


def comparison_rows(term: Term) -> list[dict[str, Any]]:
    """Rows of the side-by-side table: one per declared feature, then what every term has.

    Each row is ``{"label", "help", "cells": [(text, css_class), ...]}`` with one cell per
    sense. A term without features still gets a table, of its senses' definitions.
    """
    by_id = {s.id: s for s in term.senses}
    rows = []
    for f in term.features:
        cells = [feature_value(s.features.get(f["id"])) for s in term.senses]
        rows.append(
            {
                "label": f["label"],
                "help": f.get("help", ""),
                "cells": [(c, f"v-{c}" if c in ("yes", "no") else "v-text") for c in cells],
            }
        )
    if any(s.broader for s in term.senses):
        rows.append(
            {
                "label": "A narrower case of",
                "help": "",
                "cells": [
                    (
                        split_label(by_id[s.broader].label)[0] if s.broader in by_id else "—",
                        "v-text",
                    )
                    for s in term.senses
                ],
            }
        )
    if any(not s.ai for s in term.senses):
        rows.append(
            {
                "label": "About AI systems",
                "help": "",
                "cells": [("yes", "v-yes") if s.ai else ("no", "v-no") for s in term.senses],
            }
        )
    if not term.features:
        rows.append(
            {
                "label": "Definition",
                "help": "",
                "cells": [(markdown_inline(s.definition), "v-text") for s in term.senses],
            }
        )
    return rows


def _narrower(term: Term) -> dict[str, list[Sense]]:
    found: dict[str, list[Sense]] = {}
    for s in term.senses:
        if s.broader:
            found.setdefault(s.broader, []).append(s)
    return found


def _citations_by_source(glossary: Glossary) -> dict[str, list[dict[str, str]]]:
    """For the bibliography: where each source is cited (term or sense, with section)."""
    cited: dict[str, list[dict[str, str]]] = {}

    def add(c: Citation, url: str, label: str) -> None:
        cited.setdefault(c.key, []).append({"url": url, "label": label, "section": c.section})

    for term in sorted(glossary.terms.values(), key=_term_sort_key):
        for c in term.sources:
            add(c, f"{term.id}.html", term.term)
        for s in term.senses:
            for c in s.sources:
                add(c, f"{term.id}.html#{s.id}", f"{term.term}: {split_label(s.label)[0]}")
    return cited


def build_site(
    glossary: Glossary, rules: dict[str, Rule], out_dir: Path, base_url: str = ""
) -> list[Path]:
    """Write the glossary site into ``out_dir`` and return the files written, sorted.

    Args:
        glossary: The loaded glossary.
        rules: The loaded rules, by id.
        out_dir: The folder to write into (created if missing; other files are left alone).
        base_url: Where the site will be published; used only for canonical links.

    Raises:
        TermlintError: An id is not a safe slug, or ``base_url`` is not an http(s) URL.
    """
    check_ids(glossary, rules)
    base = _clean_base_url(base_url)
    env = _environment()
    terms = sorted(glossary.terms.values(), key=_term_sort_key)
    rule_list = [rules[k] for k in sorted(rules)]

    def cite(c: Citation | dict[str, str], root: str = "") -> dict[str, str]:
        if isinstance(c, dict):
            c = Citation(c["key"], c.get("section", ""), c.get("note", ""))
        source = glossary.sources.get(c.key)
        return {
            "url": f"{root}sources.html#{c.key}",
            "label": short_citation(glossary, c.key),
            "title": source.title if source else "",
            "section": c.section,
            "note": c.note,
        }

    def term_link(term_id: str) -> dict[str, str] | None:
        other = glossary.terms.get(term_id)
        return {"url": f"{term_id}.html", "label": other.term} if other else None

    common = {
        "base": base,
        "terms": terms,
        "rules": rule_list,
        "cite": cite,
        "term_link": term_link,
    }
    pages: dict[str, str] = {}
    index = search_index(glossary, rules)
    letters: dict[str, list[Term]] = {}
    for term in terms:
        letters.setdefault(_letter(term), []).append(term)
    groups = [
        {"letter": k, "anchor": "_letter-" + (k.lower() if k != "#" else "other"), "terms": v}
        for k, v in letters.items()
    ]
    pages["index.html"] = env.get_template("index.html").render(
        common,
        root="",
        page="index.html",
        title="Glossary",
        groups=groups,
        index_json=_json_for_script(index),
    )
    for term in terms:
        pages[f"{term.id}.html"] = env.get_template("term.html").render(
            common,
            root="",
            page=f"{term.id}.html",
            title=term.term,
            term=term,
            narrower=_narrower(term),
            rows=comparison_rows(term),
            senses_by_id={s.id: s for s in term.senses},
            match=term.forms[0] if term.forms else term.term,
            long_page=term.multi_sense or len(term.confusions) + len(term.definitions) > 2,
            term_rules=[r for r in rule_list if r.applies_to(term.id)],
        )
    for rule in rule_list:
        pages[f"rules/{rule.id}.html"] = env.get_template("rule.html").render(
            common,
            root="../",
            page=f"rules/{rule.id}.html",
            title=f"Rule {rule.id}",
            rule=rule,
            body=markdown_block(_rule_markdown(rule, glossary)),
            rule_terms=[t for t in terms if t.id in rule.terms],
        )
    sources = [glossary.sources[k] for k in sorted(glossary.sources)]
    pages["sources.html"] = env.get_template("sources.html").render(
        common,
        root="",
        page="sources.html",
        title="Sources",
        sources=sources,
        cited=_citations_by_source(glossary),
    )
    pages[INDEX_FILE] = json.dumps(index, ensure_ascii=False, sort_keys=True, indent=1) + "\n"
    static = resources.files("termlint.site").joinpath("templates").joinpath("glossary_site")
    for name in ASSETS:
        pages[name] = static.joinpath(name).read_text(encoding="utf-8")

    return write_pages(out_dir, pages)


def write_pages(out_dir: Path, pages: dict[str, str]) -> list[Path]:
    """Write the pages into ``out_dir`` so that a failure leaves the old site whole.

    Everything is checked first (``out_dir`` is a folder or missing; no folder sits at a
    page's name; no subfolder is a link), then every page is written into a temporary folder
    inside ``out_dir`` and renamed into place. A rename replaces a symbolic link at a page's
    name rather than writing through it, so nothing outside ``out_dir`` is ever written.
    Files termlint does not write are left alone. Any failure is a TermlintError (exit 2).
    """
    import shutil
    import tempfile

    from ..errors import shorten

    def fail(message: str, where: Path) -> TermlintError:
        return TermlintError(f"cannot build the site: {message}", shorten(str(where), 300))

    try:
        if out_dir.exists() and not out_dir.is_dir():
            raise fail("--out is a file, not a folder", out_dir)
        if out_dir.is_symlink() and not out_dir.exists():
            raise fail("--out is a broken symbolic link", out_dir)
        for name in pages:
            path = out_dir / name
            for folder in list(reversed(path.relative_to(out_dir).parents))[1:]:
                sub = out_dir / folder
                if sub.is_symlink():
                    raise fail(
                        "a symbolic link is where a folder of the site goes; not written through",
                        sub,
                    )
                if sub.exists() and not sub.is_dir():
                    raise fail("a file is where a folder of the site goes", sub)
            if path.is_dir() and not path.is_symlink():
                raise fail("a folder is where a page of the site goes", path)
        out_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".termlint-build-", dir=out_dir))
    except OSError as exc:
        raise fail(exc.strerror or str(exc), Path(exc.filename or out_dir)) from None
    try:
        for name, text in pages.items():
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(text.encode("utf-8"))
        written = []
        for name in sorted(pages):
            target = out_dir / name
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / name, target)
            written.append(target)
    except OSError as exc:
        raise fail(exc.strerror or str(exc), Path(exc.filename or out_dir)) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return written


__all__ = ["build_site", "is_safe_url", "markdown_block", "markdown_inline", "search_index"]
