"""The glossary: terms, their surface forms and senses, and the bibliography.

Loaded from ``glossary/*.yaml`` (one file per term) plus ``glossary/sources.yaml``. Everything
is validated with ``file:line`` messages. A validated glossary is cached as JSON in the user's
cache folder, keyed by the files' contents and termlint's version, so a pre-commit run does
not re-parse YAML it has already checked.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import DataErrors, TermlintError
from ..nlp.stems import phrase_key
from ..project.datafiles import bundled_dir, cached_raw, read_yaml_file, validate, yaml_files

SOURCES_FILE = "sources.yaml"


@dataclass(frozen=True)
class Cue:
    phrase: str
    weight: float = 1.0


@dataclass(frozen=True)
class Citation:
    key: str
    section: str = ""
    note: str = ""


@dataclass(frozen=True)
class SourceDefinition:
    """How one source defines the term, in the project's words."""

    source: str
    text: str
    section: str = ""
    sense: str = ""


@dataclass(frozen=True)
class CounterPosition:
    position: str
    sources: tuple[Citation, ...]
    reply: str = ""


@dataclass
class Sense:
    id: str
    label: str
    definition: str
    term_id: str
    ai: bool = True
    broader: str | None = None
    agent: str | None = None  # "ai" or "developer": who does it, when that tells senses apart
    features: dict[str, Any] = field(default_factory=dict)
    cues: list[Cue] = field(default_factory=list)
    clarifications: list[str] = field(default_factory=list)
    #: per clarification (same order): the words for other roles the glossary spells out,
    #: ``{"modifier": "worst-case {match}", "verb": None, …}`` (see termlint.edits.rewrite)
    role_forms: list[dict[str, str | None]] = field(default_factory=list)
    clear_examples: list[str] = field(default_factory=list)
    unclear_examples: list[tuple[str, str]] = field(default_factory=list)
    contrasts: list[tuple[str, str]] = field(default_factory=list)
    sources: list[Citation] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def suggestions(self, match: str, verb: bool = False) -> list[str]:
        """The clarifications, filled in with the words as written.

        For a verb ("models that scheme") the templates that keep the word first come first:
        "in-context {match}" suits a noun, "{match} in the in-context sense" suits both.
        """
        templates = self.clarifications
        if verb:
            templates = sorted(templates, key=lambda c: not c.startswith("{match}"))
        return [c.replace("{match}", match) for c in templates]


@dataclass
class Term:
    id: str
    term: str
    summary: str
    forms: list[str]
    senses: list[Sense]
    path: str = ""
    verb_forms: list[str] = field(default_factory=list)
    exclusions: list[str] = field(default_factory=list)
    requires_ai_context: bool = False
    features: list[dict[str, str]] = field(default_factory=list)
    relations: dict[str, list[str]] = field(default_factory=dict)
    confusions: list[str] = field(default_factory=list)
    sources: list[Citation] = field(default_factory=list)
    history: str = ""
    definitions: list[SourceDefinition] = field(default_factory=list)
    counter_positions: list[CounterPosition] = field(default_factory=list)

    @property
    def multi_sense(self) -> bool:
        return len(self.senses) > 1

    def sense(self, sense_id: str) -> Sense | None:
        for s in self.senses:
            if s.id == sense_id:
                return s
        return None

    @property
    def ai_senses(self) -> list[Sense]:
        return [s for s in self.senses if s.ai]


@dataclass
class Source:
    key: str
    authors: list[str]
    title: str
    url: str
    year: int | None = None
    venue: str = ""
    urls: list[str] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)
    note: str = ""


@dataclass
class Glossary:
    terms: dict[str, Term]
    sources: dict[str, Source]
    fingerprint: str = ""
    _derived: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def derived(self, name: str, build: Callable[[Glossary], Any]) -> Any:
        """What ``build`` makes from this glossary (matchers, indexes), made once and kept
        with it: a process builds it on first use and forgets it with the glossary."""
        if name not in self._derived:
            self._derived[name] = build(self)
        return self._derived[name]

    def surface_pattern(self) -> SurfacePrefilter:
        """Every surface form in one regex, for the cheap per-file prefilter."""
        words = set()
        for term in self.terms.values():
            words.update(term.forms)
            words.update(term.verb_forms)
        return SurfacePrefilter(words)


class SurfacePrefilter:
    """Finds where glossary surface forms may be in raw text, before any parsing.

    The forms are merged into a trie, so the regex engine tries each character once instead of
    every alternative in turn (a flat alternation was the slowest part of a large run). The
    regex runs over the lowercased text: case-insensitive matching costs twice as much. Where
    lowercasing changes the length (a few non-ASCII letters), offsets would shift, so that text
    is searched case-insensitively instead.
    """

    def __init__(self, phrases: set[str]):
        self._phrases = phrases
        self._needles = first_words(phrases)
        self._gate: re.Pattern[str] | None = None
        self._lower: re.Pattern[str] | None = None  # compiled when the gate lets a text by
        self._folded: re.Pattern[str] | None = None  # compiled when first needed: rare

    def _body(self) -> str:
        return r"(?<!\w)" + trie_regex(self._phrases) + r"(?!\w)"

    def finditer(self, text: str):
        lowered = text.lower()
        if len(lowered) == len(text):
            # Every match on the lowercased text starts with the first word of a phrase,
            # literally, as a whole word: a text holding none of them cannot match, and the
            # trie of every phrase (the larger regex to build and compile) is not needed.
            if not any(needle in lowered for needle in self._needles):
                return iter(())
            if self._gate is None:
                words = {re.split(r"[\s\-]+", p.strip().lower())[0] for p in self._phrases}
                self._gate = re.compile(r"(?<!\w)" + trie_regex(words) + r"(?!\w)")
            if self._gate.search(lowered) is None:
                return iter(())
            if self._lower is None:
                self._lower = re.compile(self._body())
            return self._lower.finditer(lowered)
        if self._folded is None:
            self._folded = re.compile(self._body(), re.I)
        return self._folded.finditer(text)

    def search(self, text: str) -> re.Match[str] | None:
        return next(iter(self.finditer(text)), None)


def first_words(phrases: set[str]) -> list[str]:
    """The first word of each phrase as the trie spells it (lowercased), leaving out any word
    that has another as a prefix (a text holding it holds the shorter one). No phrases: the
    empty word, found in every text, so the (then empty) regex decides as it always did."""
    if not phrases:
        return [""]
    words = sorted({re.split(r"[\s\-]+", p.strip().lower())[0] for p in phrases})
    kept: list[str] = []
    for word in words:  # sorted: a word's prefixes come before it
        if not kept or not word.startswith(kept[-1]):
            kept.append(word)
    return kept


def trie_regex(phrases: set[str]) -> str:
    """A regex matching any of the phrases, case-folded, hyphen and space interchangeable."""
    trie: dict = {}
    for phrase in phrases:
        node = trie
        for word_index, word in enumerate(re.split(r"[\s\-]+", phrase.strip().lower())):
            if word_index:
                node = node.setdefault(" ", {})
            for ch in word:
                node = node.setdefault(ch, {})
        node[""] = {}
    return _trie_to_regex(trie)


def _trie_to_regex(node: dict) -> str:
    alternatives = []
    optional = "" in node
    for key in sorted(k for k in node if k):
        piece = r"[\s\-]+" if key == " " else re.escape(key)
        alternatives.append(piece + _trie_to_regex(node[key]))
    if not alternatives:
        return ""
    body = alternatives[0] if len(alternatives) == 1 else "(?:" + "|".join(alternatives) + ")"
    if optional:
        body = "(?:" + body + ")?"
    return body


# -- loading -----------------------------------------------------------------------------


def glossary_files(dirs: list[Path]) -> list[Path]:
    files = []
    for folder in dirs:
        files.extend(yaml_files(folder))
    return files


def load_glossary(dirs: list[Path] | None = None, use_cache: bool = True) -> Glossary:
    """Load and validate every glossary folder (termlint's own by default).

    Later folders may add terms and sources; a term id defined twice is an error.
    """
    dirs = [bundled_dir("glossary")] if dirs is None else list(dirs)
    files = glossary_files(dirs)
    raw, digest = cached_raw(
        "glossary", files, lambda: _load_raw(files), use_cache, valid=_plausible_raw
    )
    try:
        return _build(raw, digest)
    except (KeyError, TypeError, AttributeError, ValueError):  # an incompatible layout
        return _build(_load_raw(files), digest)


def _plausible_raw(raw: Any) -> bool:
    """A cached glossary of the shape :func:`_load_raw` makes: terms (at least termlint's own)
    each with an id and senses, and sources by key."""
    return (
        isinstance(raw, dict)
        and isinstance(raw.get("sources"), dict)
        and isinstance(raw.get("terms"), list)
        and bool(raw["terms"])
        and all(
            isinstance(t, dict)
            and isinstance(t.get("id"), str)
            and isinstance(t.get("senses"), list)
            and t["senses"]
            for t in raw["terms"]
        )
    )


def check_glossary(dirs: list[Path] | None = None) -> tuple[Glossary | None, list[TermlintError]]:
    """Validate without the cache and return every problem found (for ``glossary check``)."""
    dirs = [bundled_dir("glossary")] if dirs is None else list(dirs)
    try:
        raw = _load_raw(glossary_files(dirs))
    except DataErrors as exc:
        return None, exc.errors
    except TermlintError as exc:
        return None, [exc]
    return _build(raw, ""), []


def _load_raw(files: list[Path]) -> dict:
    """Parse and validate all files; return plain data (JSON-serialisable) or raise."""
    from ..project.yamlio import line_of

    errors: list[TermlintError] = []
    terms: list[dict] = []
    sources: dict[str, dict] = {}
    source_lines: dict[str, tuple[str, int | None]] = {}
    for path in files:
        try:
            data = read_yaml_file(path)
        except TermlintError as exc:
            errors.append(exc)
            continue
        if path.name == SOURCES_FILE:
            problems = validate(data, "sources", str(path))
            errors.extend(problems)
            if not problems:
                for key, entry in data["sources"].items():
                    if key in sources:
                        errors.append(
                            TermlintError(
                                f"source key {key!r} is defined twice (also in "
                                f"{source_lines[key][0]})",
                                str(path),
                                line_of(data, ["sources", key]),
                            )
                        )
                    sources[key] = _plain(entry)
                    source_lines[key] = (str(path), line_of(data, ["sources", key]))
            continue
        problems = validate(data, "glossary-term", str(path))
        errors.extend(problems)
        if problems:
            continue
        entry = _plain(data)
        entry["_path"] = str(path)
        entry["_lines"] = _sense_lines(data)
        if path.stem != entry["id"]:
            errors.append(
                TermlintError(
                    f"term id {entry['id']!r} does not match the file name {path.name!r}",
                    str(path),
                    line_of(data, ["id"]),
                )
            )
        terms.append(entry)
    errors.extend(_cross_check(terms, sources))
    if errors:
        raise DataErrors(errors)
    return {"terms": terms, "sources": sources}


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _sense_lines(data: Any) -> dict[str, Any]:
    """Lines worth reporting later: each sense, each cue and each citation."""
    from ..project.yamlio import line_of

    lines: dict[str, Any] = {
        "id": line_of(data, ["id"]),
        "senses": {},
        "relations": {},
        "sources": {},
    }
    for i, sense in enumerate(data.get("senses", [])):
        sid = sense.get("id")
        lines["senses"][sid] = {
            "line": line_of(data, ["senses", i]),
            "cues": [
                line_of(data, ["senses", i, "cues", j]) for j in range(len(sense.get("cues", [])))
            ],
            "sources": [
                line_of(data, ["senses", i, "sources", j])
                for j in range(len(sense.get("sources", [])))
            ],
            "broader": line_of(data, ["senses", i, "broader"]),
            "contrasts": [
                line_of(data, ["senses", i, "contrasts", j])
                for j in range(len(sense.get("contrasts", [])))
            ],
            "features": line_of(data, ["senses", i, "features"]),
        }
    for kind, ids in (data.get("relations") or {}).items():
        lines["relations"][kind] = [line_of(data, ["relations", kind, j]) for j in range(len(ids))]
    lines["sources"] = [line_of(data, ["sources", j]) for j in range(len(data.get("sources", [])))]
    lines["definitions"] = [
        line_of(data, ["definitions", j]) for j in range(len(data.get("definitions", [])))
    ]
    lines["counter_positions"] = [
        line_of(data, ["counter_positions", j])
        for j in range(len(data.get("counter_positions", [])))
    ]
    return lines


def _cue_phrase(cue: Any) -> str:
    return cue["phrase"] if isinstance(cue, dict) else cue


def _cross_check(  # noqa: C901 - one pass of independent checks, each a few lines
    terms: list[dict], sources: dict[str, dict]
) -> list[TermlintError]:
    errors: list[TermlintError] = []
    seen_terms: dict[str, str] = {}
    for t in terms:
        if t["id"] in seen_terms:
            errors.append(
                TermlintError(
                    f"term id {t['id']!r} is defined twice (also in {seen_terms[t['id']]})",
                    t["_path"],
                    t["_lines"]["id"],
                )
            )
        seen_terms.setdefault(t["id"], t["_path"])
    for t in terms:
        path, lines = t["_path"], t["_lines"]
        sense_ids: set[str] = set()
        for sense in t["senses"]:
            sl = lines["senses"].get(sense["id"], {})
            if sense["id"] in sense_ids:
                errors.append(
                    TermlintError(
                        f"sense id {sense['id']!r} appears twice in term {t['id']!r}",
                        path,
                        sl.get("line"),
                    )
                )
            sense_ids.add(sense["id"])
        feature_ids: set[str] = set()
        for f in t.get("features", []):
            if f["id"] in feature_ids:
                errors.append(
                    TermlintError(
                        f"feature id {f['id']!r} appears twice in term {t['id']!r}",
                        path,
                        lines["id"],
                    )
                )
            feature_ids.add(f["id"])
        errors.extend(_broader_cycles(t, path, lines))
        for form in t.get("forms", []):
            if isinstance(form, str) and not any(ch.isalnum() for ch in form):
                errors.append(
                    TermlintError(
                        f"form {form!r} of {t['id']!r} has no letter or "
                        "digit, so it can never match",
                        path,
                        lines["id"],
                    )
                )
        cue_owner: dict[str, str] = {}
        for sense in t["senses"]:
            sl = lines["senses"].get(sense["id"], {})
            for j, cue in enumerate(sense.get("cues", [])):
                phrase = phrase_key(_cue_phrase(cue))
                line = sl.get("cues", [None] * (j + 1))[j]
                if phrase in cue_owner and cue_owner[phrase] != sense["id"]:
                    errors.append(
                        TermlintError(
                            f"cue {_cue_phrase(cue)!r} is claimed by two senses of {t['id']!r}: "
                            f"{cue_owner[phrase]!r} and {sense['id']!r}",
                            path,
                            line,
                        )
                    )
                elif phrase in cue_owner:
                    errors.append(
                        TermlintError(
                            f"cue {_cue_phrase(cue)!r} is listed twice in sense {sense['id']!r} "
                            "(inflections and hyphen/space spellings already match)",
                            path,
                            line,
                        )
                    )
                cue_owner[phrase] = sense["id"]
            for j, cite in enumerate(sense.get("sources", [])):
                if cite["key"] not in sources:
                    errors.append(
                        TermlintError(
                            f"unknown source key {cite['key']!r} (not in {SOURCES_FILE})",
                            path,
                            sl.get("sources", [None] * (j + 1))[j],
                        )
                    )
            if sense.get("broader") and sense["broader"] not in sense_ids:
                errors.append(
                    TermlintError(
                        f"broader sense {sense['broader']!r} is not a sense of {t['id']!r}",
                        path,
                        sl.get("broader"),
                    )
                )
            for j, contrast in enumerate(sense.get("contrasts", [])):
                if contrast["sense"] not in sense_ids:
                    errors.append(
                        TermlintError(
                            f"contrast names {contrast['sense']!r}, which is not a sense of "
                            f"{t['id']!r}",
                            path,
                            sl.get("contrasts", [None] * (j + 1))[j],
                        )
                    )
            for item in sense.get("clarifications", []):
                for problem in _clarification_problems(item):
                    errors.append(
                        TermlintError(
                            f"clarification {_clarification_text(item)!r} of sense "
                            f"{sense['id']!r}: {problem}",
                            path,
                            sl.get("line"),
                        )
                    )
            unknown = set(sense.get("features", {})) - feature_ids
            if unknown:
                errors.append(
                    TermlintError(
                        f"sense {sense['id']!r} has features not declared under 'features': "
                        f"{', '.join(sorted(unknown))}",
                        path,
                        sl.get("features"),
                    )
                )
        for j, cite in enumerate(t.get("sources", [])):
            if cite["key"] not in sources:
                errors.append(
                    TermlintError(
                        f"unknown source key {cite['key']!r} (not in {SOURCES_FILE})",
                        path,
                        lines["sources"][j],
                    )
                )
        for j, d in enumerate(t.get("definitions", [])):
            line = lines.get("definitions", [None] * (j + 1))[j]
            if d["source"] not in sources:
                errors.append(
                    TermlintError(
                        f"definition cites unknown source key {d['source']!r} "
                        f"(not in {SOURCES_FILE})",
                        path,
                        line,
                    )
                )
            if d.get("sense") and d["sense"] not in sense_ids:
                errors.append(
                    TermlintError(
                        f"definition names {d['sense']!r}, which is not a sense of {t['id']!r}",
                        path,
                        line,
                    )
                )
        for j, cp in enumerate(t.get("counter_positions", [])):
            for cite in cp["sources"]:
                if cite["key"] not in sources:
                    line = lines.get("counter_positions", [None] * (j + 1))[j]
                    errors.append(
                        TermlintError(
                            f"counter-position cites unknown source key {cite['key']!r} (not in "
                            f"{SOURCES_FILE})",
                            path,
                            line,
                        )
                    )
        for kind, ids in (t.get("relations") or {}).items():
            for j, other in enumerate(ids):
                if other not in seen_terms:
                    errors.append(
                        TermlintError(
                            f"{kind} names unknown term {other!r}",
                            path,
                            lines["relations"][kind][j],
                        )
                    )
    errors.extend(_shared_forms(terms))
    return errors


def _broader_cycles(t: dict, path: str, lines: dict) -> list[TermlintError]:
    """A sense broader than itself, directly or through others, has no place in the tree
    (candidates vanished from messages)."""
    broader = {s["id"]: s.get("broader") for s in t["senses"]}
    errors = []
    for start in broader:
        seen, sid = [], start
        while sid is not None and sid in broader and sid not in seen:
            seen.append(sid)
            sid = broader[sid]
        if sid == start:
            chain = " -> ".join([*seen, start])
            errors.append(
                TermlintError(
                    f"sense {start!r} of {t['id']!r} is broader than itself ({chain})",
                    path,
                    lines["senses"].get(start, {}).get("broader"),
                )
            )
    return errors


def _shared_forms(terms: list[dict]) -> list[TermlintError]:
    """A surface form claimed by two terms: only one can win, silently (a user's term named
    like a bundled one lost to it without a word)."""
    owner: dict[str, dict] = {}
    errors = []
    for t in terms:
        for form in t.get("forms", []):
            if not isinstance(form, str):
                continue
            key = " ".join(form.lower().split())
            other = owner.get(key)
            if other is not None and other["id"] != t["id"]:
                errors.append(
                    TermlintError(
                        f"form {form!r} of {t['id']!r} is already a form of {other['id']!r} "
                        f"(in {other['_path']}); a form can belong to one term only",
                        t["_path"],
                        t["_lines"]["id"],
                    )
                )
            owner.setdefault(key, t)
    return errors


CLARIFICATION_ROLES = ("noun", "modifier", "verb", "agent")


def _clarification_text(item: Any) -> str:
    return item if isinstance(item, str) else item["text"]


def _role_forms(item: Any) -> dict[str, str | None]:
    if isinstance(item, str):
        return {}
    return {role: item[role] for role in CLARIFICATION_ROLES if role in item}


def _clarification_problems(item: Any) -> list[str]:
    """What is wrong with the role forms of one clarification (the schema checked types)."""
    problems = []
    for role, form in _role_forms(item).items():
        if form is None or role == "noun":
            continue
        if role == "modifier":  # a whole substitute ("plotting") or ending with the word
            if "{match}" in form and not form.endswith("{match}"):
                problems.append(
                    f"its modifier form {form!r} must end with {{match}} (the noun it "
                    "modifies follows the word)"
                )
        elif "{match}" not in form:  # the word as written keeps its inflection
            problems.append(f"its {role} form {form!r} has no {{match}}")
    return problems


def _build(raw: dict, digest: str) -> Glossary:
    sources = {
        key: Source(
            key=key,
            authors=list(s["authors"]),
            title=s["title"],
            year=s.get("year"),
            url=s["url"],
            venue=s.get("venue", ""),
            urls=list(s.get("urls", [])),
            sections=list(s.get("sections", [])),
            note=s.get("note", ""),
        )
        for key, s in raw["sources"].items()
    }
    terms = {}
    for t in raw["terms"]:
        senses = [
            Sense(
                id=s["id"],
                label=s["label"],
                definition=s["definition"].strip(),
                term_id=t["id"],
                ai=s.get("ai", True),
                broader=s.get("broader"),
                agent=s.get("agent"),
                features=dict(s.get("features", {})),
                cues=[
                    Cue(c, 1.0) if isinstance(c, str) else Cue(c["phrase"], c.get("weight", 1.0))
                    for c in s.get("cues", [])
                ],
                clarifications=[_clarification_text(c) for c in s.get("clarifications", [])],
                role_forms=[_role_forms(c) for c in s.get("clarifications", [])],
                clear_examples=list(s.get("examples", {}).get("clear", [])),
                unclear_examples=[
                    (u["text"], u["rewrite"]) for u in s.get("examples", {}).get("unclear", [])
                ],
                contrasts=[(c["sense"], c["text"]) for c in s.get("contrasts", [])],
                sources=[
                    Citation(c["key"], c.get("section", ""), c.get("note", ""))
                    for c in s.get("sources", [])
                ],
                notes=list(s.get("notes", [])),
            )
            for s in t["senses"]
        ]
        terms[t["id"]] = Term(
            id=t["id"],
            term=t["term"],
            summary=t["summary"],
            forms=list(t["forms"]),
            senses=senses,
            path=t.get("_path", ""),
            verb_forms=list(t.get("verb_forms", [])),
            exclusions=list(t.get("exclusions", [])),
            requires_ai_context=t.get("requires_ai_context", False),
            features=list(t.get("features", [])),
            relations=dict(t.get("relations", {})),
            confusions=list(t.get("confusions", [])),
            sources=[
                Citation(c["key"], c.get("section", ""), c.get("note", ""))
                for c in t.get("sources", [])
            ],
            history=t.get("history", "").strip(),
            definitions=[
                SourceDefinition(
                    d["source"], d["text"].strip(), d.get("section", ""), d.get("sense", "")
                )
                for d in t.get("definitions", [])
            ],
            counter_positions=[
                CounterPosition(
                    cp["position"].strip(),
                    tuple(
                        Citation(c["key"], c.get("section", ""), c.get("note", ""))
                        for c in cp["sources"]
                    ),
                    cp.get("reply", "").strip(),
                )
                for cp in t.get("counter_positions", [])
            ],
        )
    return Glossary(terms=dict(sorted(terms.items())), sources=sources, fingerprint=digest)
