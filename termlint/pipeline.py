"""Orchestration: paths → sources → prose → occurrences → senses → rules → diagnostics.

The library API the CLI (and anyone else) calls: :func:`load_project`, :func:`lint_text`,
:func:`lint_source` and :func:`lint_paths`. spaCy is imported only when a file's cheap prefilter
finds a glossary term; markdown-it-py only then too.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import DataErrors, TermlintError
from .files.source import decode
from .glossary.entries import Glossary, SurfacePrefilter, load_glossary
from .project.config import Config, load_config
from .records import FileResult, SourceText
from .rules.load import Rule, load_rules

if TYPE_CHECKING:
    from .model import CheckContext, Diagnostic


@dataclass
class Project:
    """Everything a lint run needs besides the documents."""

    config: Config
    glossary: Glossary
    rules: dict[str, Rule]
    prefilter: SurfacePrefilter

    @property
    def active_rules(self) -> list[Rule]:
        out = []
        for rule in self.rules.values():
            names = {rule.id, rule.code}
            if self.config.enable and not names & set(self.config.enable):
                continue
            if names & set(self.config.disable):
                continue
            out.append(rule)
        return out


def load_project(
    config_path: Path | None = None,
    cwd: Path | None = None,
    use_cache: bool = True,
    config: Config | None = None,
) -> Project:
    """Read the configuration, glossary and rules (termlint's own plus the project's).

    ``config`` skips the search for a configuration file and uses the one given.
    """
    from .project.datafiles import bundled_dir

    config = config or load_config(config_path, cwd)
    glossary = load_glossary([bundled_dir("glossary"), *config.glossary_dirs], use_cache=use_cache)
    rules = load_rules([bundled_dir("rules"), *config.rule_dirs])
    for rule_id, level in config.severity.items():
        rule = _find_rule(rules, rule_id, config)
        rule.severity = level
    for rule_id, options in config.rule_options.items():
        rule = _find_rule(rules, rule_id, config)
        _check_rule_options(rule, rule_id, options, config)
        rule.options.update(options)
    for name in [*config.enable, *config.disable]:
        _find_rule(rules, name, config)
    for rule in rules.values():
        unknown = [t for t in rule.terms if t not in glossary.terms]
        if unknown:
            raise TermlintError(
                f"rule {rule.id!r} names unknown terms: {', '.join(unknown)}", rule.path
            )
    return Project(config, glossary, rules, glossary.surface_pattern())


def _check_rule_options(rule: Rule, name: str, options: dict, config: Config) -> None:
    """The configuration's ``rule_options`` for one rule, against its kind's schema."""
    from .errors import quote
    from .project.config import config_line
    from .rules.kinds import OPTIONS
    from .rules.load import check_options

    errors = []
    for where, message in check_options(options, rule.kind):
        if where[0] not in OPTIONS.get(rule.kind, {}):
            known = ", ".join(sorted(OPTIONS.get(rule.kind, {}))) or "none"
            message = (
                f"rule_options: {quote(where[0])} is not an option of rule {rule.id!r} "
                f"(its options: {known})"
            )
        else:
            message = f"rule_options/{name}/{message.removeprefix('options/')}"
        line = config_line(config.path, ["rule_options", name, *where]) if config.path else None
        errors.append(TermlintError(message, config.path or "configuration", line))
    if errors:
        raise DataErrors(errors)


def _find_rule(rules: dict[str, Rule], name: str, config: Config) -> Rule:
    for rule in rules.values():
        if name in (rule.id, rule.code):
            return rule
    known = ", ".join(rules)
    raise TermlintError(f"unknown rule {name!r} (known: {known})", config.path or "configuration")


_DEFAULT_PROJECT: Project | None = None


def default_project() -> Project:
    global _DEFAULT_PROJECT
    if _DEFAULT_PROJECT is None:
        _DEFAULT_PROJECT = load_project()
    return _DEFAULT_PROJECT


def lint_text(
    text: str, path: str = "<text>", project: Project | None = None, group: str | None = None
) -> FileResult:
    """Lint a Markdown string (``group`` as in :func:`lint_source`)."""
    return lint_source(SourceText(path=path, text=text.lstrip("\ufeff")), project, group)


def lint_bytes(data: bytes, path: str, project: Project | None = None) -> FileResult:
    try:
        source = decode(data, path)
    except TermlintError as exc:
        return FileResult(path, error=exc)
    return lint_source(source, project)


def lint_source(
    source: SourceText,
    project: Project | None = None,
    group: str | None = None,
    lean: bool = False,
) -> FileResult:
    """Lint one decoded document; input problems come back as ``FileResult.error``.

    ``group`` ("document", "section" or "use"; default: the configuration's ``group``) says
    how repeated flags of a term are reported (:mod:`termlint.rules.group`): "use" gives one
    diagnostic per use, as the editor and ``termlint fix`` want. ``lean`` (what ``check``
    asks for): the result carries no occurrences, and each use's scores and reasons are
    dropped as soon as it is decided, so a file's memory is that of its findings.
    """
    # Linting makes many small objects and no reference cycles (tested): the cyclic collector
    # would only rescan the survivors, 10-20% of the time on a document dense in terms.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _lint_source(source, project or default_project(), group, lean)
    finally:
        if collecting:
            gc.enable()


def _lint_source(
    source: SourceText, project: Project, group: str | None, lean: bool = False
) -> FileResult:
    result = FileResult(source.path, source=source)
    try:
        analysis = analyze_source(source, project, lean)
        if analysis is None and "termlint-disable" in source.text:
            from .rules.suppress import document_suppressions  # no term, but maybe a stale comment

            analysis = None, [], document_suppressions(source, project.rules.values())
    except TermlintError as exc:
        result.error = exc
        return result
    except RecursionError:
        result.error = TermlintError("Markdown nested too deeply to read", source.path)
        return result
    except Exception as exc:  # a bug in termlint must not stop the other files
        result.error = TermlintError(
            f"internal error while checking this file ({type(exc).__name__}: {exc}); "
            "please report it with the file attached",
            source.path,
        )
        return result
    if analysis is None:
        return result
    doc, occurrences, ranges = analysis
    if not lean:
        result.occurrences = occurrences
    try:
        diagnostics = _run_rules(
            source, project, occurrences, ranges, group or project.config.group, doc
        )
    except TermlintError as exc:
        result.error = exc
        return result
    result.diagnostics = sorted(diagnostics, key=lambda d: d.sort_key)
    result.unused_suppressions = [s for s in ranges if not s.used]
    return result


def _sections(doc, occurrences):
    """``section_of(offset)``: the heading path of the block of the use at an offset."""
    blocks = {o.start: o.block for o in occurrences}

    def section_of(offset: int):
        block = blocks.get(offset)
        return doc.blocks[block].heading_path if doc is not None and block is not None else ()

    return section_of


def _run_rules(
    source: SourceText, project: Project, occurrences, ranges, group: str = "use", doc=None
) -> list[Diagnostic]:
    """Every active rule's diagnostics for one document, suppressions applied, grouped as
    ``group`` says (:mod:`termlint.rules.group`).

    Each finding is filtered and grouped as its rule makes it, so a repeat of an unclear term
    is kept only as a packed related use: a file dense in terms never holds all its findings.
    A rule that fails (a bug, or rule data no load-time check catches) raises a TermlintError
    naming the rule, so the file reports it and the other files are still checked.
    """
    from .model import CheckContext
    from .rules.group import Grouper
    from .rules.kinds import AFTER_SUPPRESSION, KINDS
    from .rules.suppress import SuppressionIndex

    def context(rule: Rule) -> CheckContext:
        config = project.config
        return CheckContext(
            source, project.glossary, config.docs_url, config.check_blockquotes, rule.options
        )

    def run(rule: Rule, check, *args) -> Iterator[Diagnostic]:
        try:
            yield from check(rule, *args)
        except Exception as exc:
            where = f", defined in {rule.path}" if rule.path else ""
            raise TermlintError(
                f"rule {rule.id!r} failed on this file ({type(exc).__name__}: {exc}){where}",
                source.path,
            ) from exc

    kept: list[Diagnostic] = []
    grouper = None
    if group != "use":
        kinds = {r.id: r.kind for r in project.rules.values()}
        section_of = _sections(doc, occurrences) if group == "section" else None
        grouper = Grouper(kinds, project.glossary, group, section_of)
    take = grouper.add if grouper is not None else kept.append
    hidden = SuppressionIndex(ranges)
    for rule in project.active_rules:
        if rule.kind not in AFTER_SUPPRESSION:
            for d in run(rule, KINDS[rule.kind], occurrences, context(rule)):
                if not hidden.hides(d):
                    take(d)
    hidden.finish()
    active = {name for r in project.active_rules for name in (r.id, r.code) if name}
    for rule in project.active_rules:
        if rule.kind in AFTER_SUPPRESSION:
            check = AFTER_SUPPRESSION[rule.kind]
            for d in run(rule, check, ranges, context(rule), active):
                take(d)
    return grouper.finish(occurrences) if grouper is not None else kept


def read_document(source: SourceText, project: Project, lean: bool = False):
    """Markdown → the analysed document and its occurrences, senses not yet read; None when
    the prefilter finds no term (spaCy is then never imported).

    Every prose block is analysed, not only those near a term: the framing of a document is
    read from all of it, so moving a paragraph never changes how a use is read.
    """
    if not project.prefilter.search(source.text):
        return None
    from .document.markdown import parse_markdown
    from .nlp.analyzer import analyzer_for
    from .senses.occurrences import OccurrenceFinder

    doc = parse_markdown(source)
    for d in doc.directives:
        if d.error:
            raise TermlintError(d.error, source.path, d.line)
        unknown = [
            r for r in d.rules if not any(r in (x.id, x.code) for x in project.rules.values())
        ]
        if unknown:
            raise TermlintError(
                f"suppression names unknown rule {unknown[0]!r}", source.path, d.line
            )
    # Each block's term matches become occurrences as it is analysed (OccurrenceFinder), so
    # a lean reading never holds every block's matches at once.
    finder = OccurrenceFinder(doc, project.glossary, lean)
    analyses = []
    # A list of the texts, not a lazy sequence: the list is gone before the first pass, the
    # document's peak, and reading each text twice through the block list cost 3% of the time.
    texts = [block.text for block in doc.blocks]
    for index, analysis in enumerate(analyzer_for(project.glossary).each_analysis(texts)):
        analyses.append(analysis)
        finder.add(index, analysis)
    return doc, analyses, finder.finish()


def analyze_source(source: SourceText, project: Project, lean: bool = False):
    """Markdown → occurrences with senses; None when the prefilter finds no term (``lean``:
    see :func:`lint_source`)."""
    read = read_document(source, project, lean)
    if read is None:
        return None
    from .rules.suppress import suppressions
    from .senses.resolver import DocumentResolver

    doc, analyses, occurrences = read
    resolver = DocumentResolver(
        doc, analyses, project.glossary, strictness=project.config.strictness
    )
    resolver.resolve(occurrences, lean=lean)
    del resolver, analyses  # the block analyses and the view: not needed by the rules
    ranges = suppressions(doc.directives, lambda off: source.line_col(off)[0])
    return doc, occurrences, ranges


def lint_paths(
    paths: Iterable[str],
    project: Project | None = None,
    stdin_reader: Callable[[], bytes] | None = None,
    jobs: int = 1,
    use_cache: bool = False,
) -> Iterator[FileResult]:
    """Lint files and folders in order; a bad file yields a result with ``error`` set.

    The same path as ``termlint check`` (:func:`termlint.files.runner.run_paths`): ``jobs``
    worker processes, and the result cache when ``use_cache``. Every result keeps its whole
    source.
    """
    from .files.runner import run_paths

    project = project or default_project()
    yield from run_paths(
        paths, project, stdin_reader, jobs=jobs, use_cache=use_cache, whole_source=True
    )
