"""The ``termlint`` command line: a thin layer over the library API.

Exit status: 0 nothing at or above the failing severity, 1 findings, 2 usage, configuration or
input error (the message names the file and the reason).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__
from .errors import DataErrors, TermlintError

EXIT_FINDINGS = 1
EXIT_ERROR = 2
FAIL_LEVELS = ("error", "warning", "info", "never")


class TermlintGroup(click.Group):
    """Turns TermlintError into a clean message and exit 2, never a traceback."""

    def invoke(self, ctx):
        try:
            Path.cwd()
        except OSError:
            click.echo(
                "termlint: the working folder no longer exists (deleted or moved); "
                "change to a folder and run again",
                err=True,
            )
            sys.exit(EXIT_ERROR)
        try:
            return super().invoke(ctx)
        except DataErrors as exc:
            for err in exc.errors:
                click.echo(f"termlint: {err}", err=True)
            sys.exit(EXIT_ERROR)
        except TermlintError as exc:
            click.echo(f"termlint: {exc}", err=True)
            sys.exit(EXIT_ERROR)


def project_options(fn):
    """--config and --no-cache, shared by every command that loads the project."""
    fn = click.option(
        "--no-cache",
        is_flag=True,
        help="Ignore the cache: re-validate glossary, rules and configuration "
        "and lint every file again.",
    )(fn)
    return click.option(
        "--config",
        "config_path",
        type=click.Path(path_type=Path),
        help="Configuration file (default: the nearest .termlint.yaml or "
        "pyproject.toml with [tool.termlint]).",
    )(fn)


def _project(config_path, no_cache, cwd=None):
    from .pipeline import load_project

    return load_project(config_path, cwd=cwd, use_cache=not no_cache)


def gitignore_option(fn):
    return click.option(
        "--no-gitignore",
        is_flag=True,
        help="Check the files git ignores too, inside folders (.gitignore is honoured by "
        "default in a git work tree; respect_gitignore: false in the configuration).",
    )(fn)


def stdin_filename_option(fn):
    """--stdin-filename, shared by the commands that read standard input (check, senses, fix)."""
    return click.option(
        "--stdin-filename",
        metavar="PATH",
        help="The path of the text read from standard input (-, the default with this "
        "option): findings are reported under PATH, the configuration is the one for PATH, "
        "and with --force-exclude nothing is checked if its exclude patterns cover PATH.",
    )(fn)


def _stdin_paths(paths, stdin_filename):
    """(paths, where to look for the configuration) for a --stdin-filename run."""
    if stdin_filename is None:
        return paths, None
    if not paths:
        paths = ("-",)
    elif "-" not in paths:
        raise click.UsageError(
            "--stdin-filename names the text read from standard input: pass - as a path"
        )
    return paths, Path(stdin_filename).parent  # its configuration, found from its folder up


def _without_gitignore(project, no_gitignore):
    if not no_gitignore:
        return project
    import dataclasses

    return dataclasses.replace(
        project, config=dataclasses.replace(project.config, respect_gitignore=False)
    )


@click.group(cls=TermlintGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="termlint")
def main():
    """Flag uses of alignment terms whose sense a reader cannot tell.

    termlint reads Markdown drafts, finds words with several senses (above all
    "scheming" / "schemer"), decides which sense each use carries from qualifiers,
    definitions, links and the document's framing, and reports the uses a careful
    reader could not pin down — with concrete rewrites from its glossary.

    \b
    Examples:
      termlint check draft.md            check one document
      termlint check docs/               check every *.md under a folder
      termlint senses draft.md           show how each use was read, and why
      termlint glossary show scheming    the senses side by side
      termlint rules explain ambiguous-term
    """


# -- check ------------------------------------------------------------------------------


@main.command()
@click.argument("paths", nargs=-1)
@click.option(
    "--format",
    "fmt",
    default="text",
    show_default=True,
    type=click.Choice(["text", "json", "sarif", "github"]),
    help="Output format.",
)
@click.option(
    "--fail-on",
    type=click.Choice(FAIL_LEVELS),
    default=None,
    help="Lowest severity that makes the exit status 1 "
    "[default: warning, or fail_on from the configuration].",
)
@click.option(
    "--color/--no-color", default=None, help="Colour the text output [default: only on a terminal]."
)
@click.option("-q", "--quiet", is_flag=True, help="One line per problem, no source excerpt.")
@click.option(
    "--per-use",
    is_flag=True,
    help="One finding per unclear use, not one per term and document that lists the "
    "other uses (the configuration's `group: use` does the same).",
)
@click.option(
    "--strictness",
    type=click.Choice(["strict", "normal", "relaxed"]),
    help="How sure a reading must be before a use counts as clear (default: the "
    "configuration's `strictness`, else normal).",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=0),
    default=0,
    help="Worker processes for many files [default: 0 = one per core; at most one "
    "per core]. Output is the same, in the same order, whatever the number.",
)
@click.option(
    "--changed-since",
    "changed_since",
    metavar="REF",
    help="Check only the Markdown files (under PATHS) that differ from where the "
    "current branch left the git commit REF, plus untracked ones: what a pull "
    "request or an unpushed branch changed.",
)
@click.option(
    "--force-exclude",
    is_flag=True,
    help="Apply the configuration's exclude patterns to files named on the "
    "command line too (the pre-commit hook does: it names every staged file).",
)
@stdin_filename_option
@gitignore_option
@project_options
def check(
    paths,
    fmt,
    fail_on,
    color,
    quiet,
    per_use,
    jobs,
    strictness,
    changed_since,
    force_exclude,
    stdin_filename,
    no_gitignore,
    config_path,
    no_cache,
):
    """Check Markdown files and folders (default: the current folder; - reads stdin).

    A use is flagged when termlint's reading of it is not sure enough: --strictness strict
    flags more of the borderline uses, relaxed fewer (careful readers differ here).
    Repeated unclear uses of a term are one finding, at the first use, that lists the
    others and suggests declaring the sense once; --per-use reports every use.

    \b
    Examples:
      termlint check draft.md
      termlint check posts/ --format json
      cat draft.md | termlint check -
      termlint check . --fail-on info --strictness strict
      termlint check --changed-since origin/main --format github
      termlint check draft.md --per-use   one finding per unclear use
      termlint check - --stdin-filename docs/post.md < buffer.md
    """
    from .files.discovery import iter_paths
    from .files.progress import Progress
    from .files.runner import default_jobs, run_paths
    from .records import Summary
    from .reporters import reporter_class
    from .rules.load import severity_rank

    paths, start = _stdin_paths(paths, stdin_filename)
    project = _with_strictness(_project(config_path, no_cache, cwd=start), strictness)
    project = _without_gitignore(project, no_gitignore)
    if per_use:
        project = _per_use(project)
    if changed_since is not None:
        from .files.changed import changed_paths

        paths = changed_paths(changed_since, paths or ["."], project.config)
    elif not paths:
        paths = ["."]
    fail_on = fail_on or project.config.fail_on
    cores = default_jobs()
    if jobs > cores:
        _note(
            f"--jobs {jobs} is more than the {cores} core{'s' if cores != 1 else ''} this "
            f"process may use; using {cores}"
        )
        jobs = cores
    reporter = reporter_class(fmt)(sys.stdout, color=color, project=project, quiet=quiet)
    summary = Summary()
    had_error = False
    progress = Progress.for_run(
        sys.stderr,
        lambda: sum(1 for _ in iter_paths(paths, project.config, force_exclude=force_exclude)),
    )
    results = run_paths(
        paths,
        project,
        stdin_reader=sys.stdin.buffer.read,
        jobs=jobs or cores,
        use_cache=not no_cache,
        force_exclude=force_exclude,
        notice=_note,
        stdin_filename=stdin_filename,
        keep_occurrences=False,  # check reports diagnostics only
    )
    for result in results:
        summary.files += 1
        if result.error is not None or result.diagnostics:
            progress.clear()
        if result.error is not None:
            had_error = True
            summary.files_with_errors += 1
            if fmt != "text":
                click.echo(f"termlint: {result.error}", err=True)
        for d in result.diagnostics:
            summary.counts[d.severity] += 1
        reporter.file(result)
        progress.update(summary.files)
    progress.clear()
    reporter.finish(summary)
    if had_error:
        sys.exit(EXIT_ERROR)
    if fail_on != "never":
        threshold = severity_rank(fail_on)
        if any(
            summary.counts[s] for s in ("info", "warning", "error") if severity_rank(s) >= threshold
        ):
            sys.exit(EXIT_FINDINGS)


def _note(message: str) -> None:
    click.echo(f"termlint: note: {message}", err=True)


# -- lsp --------------------------------------------------------------------------------


@main.command()
@click.option(
    "--stdio",
    is_flag=True,
    help="Talk over standard input and output (the only "
    "transport, and the default; accepted because editors often pass it).",
)
def lsp(stdio):
    """Run the language server over standard input and output (for editors).

    Diagnostics, hovers and code actions for open Markdown documents, from the same checks
    and configuration as `termlint check`. Set-up for VS Code, Neovim, Helix and Zed:
    docs/editors.md.
    """
    try:
        import lsprotocol  # noqa: F401
        import pygls  # noqa: F401
    except ImportError as exc:
        raise TermlintError(
            f"the language server needs pygls and lsprotocol, which are not "
            f"installed ({exc.name} is missing): pip install 'alignment-termlint[lsp]' "
            f"(from a checkout: pip install '.[lsp]')"
        ) from None
    from .editor.server import main as serve

    serve()


# -- senses -----------------------------------------------------------------------------


@main.command()
@click.argument("paths", nargs=-1)
@click.option(
    "--format",
    "fmt",
    default="text",
    show_default=True,
    type=click.Choice(["text", "json"]),
    help="Output format.",
)
@click.option(
    "--strictness",
    type=click.Choice(["strict", "normal", "relaxed"]),
    help="How sure a reading must be before it counts as clear (default: the "
    "configuration's, else normal).",
)
@stdin_filename_option
@project_options
def senses(paths, fmt, strictness, stdin_filename, config_path, no_cache):
    """Show every use of a glossary term, the sense it was read in, and why.

    Each use gets the sense a careful reader would most likely name, how likely that is, and
    the evidence that decided it: qualifiers, definitions, citations, headings, the framing of
    the whole document, and how its other uses read. JSON adds every sense's probability.

    \b
    Examples:
      termlint senses draft.md
      termlint senses draft.md --format json
      termlint senses - --stdin-filename docs/post.md < buffer.md
    """
    import json

    from .files.runner import default_jobs, run_paths
    from .reporters.senses import document, occurrence_record, text_lines

    # Readings do not depend on grouping; per use, senses shares cached results with fix.
    paths, start = _stdin_paths(paths, stdin_filename)
    project = _per_use(_with_strictness(_project(config_path, no_cache, cwd=start), strictness))
    records: list[dict] = []
    had_error = False
    results = run_paths(
        paths or ["."],
        project,
        stdin_reader=sys.stdin.buffer.read,
        jobs=default_jobs(),
        use_cache=not no_cache,
        whole_source=True,
        stdin_filename=stdin_filename,
    )
    for result in results:
        if result.error is not None:
            had_error = True
            click.echo(f"termlint: {result.error}", err=True)
            continue
        records.extend(occurrence_record(result, occ) for occ in result.occurrences)
    if fmt == "json":
        click.echo(json.dumps(document(records), indent=2, ensure_ascii=False))
    else:
        for record in records:
            for line in text_lines(record, project.glossary):
                click.echo(line)
        click.echo(f"{len(records)} occurrence{'s' if len(records) != 1 else ''}.")
    if had_error:
        sys.exit(EXIT_ERROR)


def _per_use(project):
    """The project with every unclear use its own finding (``group: use``)."""
    import dataclasses

    return dataclasses.replace(project, config=dataclasses.replace(project.config, group="use"))


def _with_strictness(project, strictness):
    """The project with the strictness given on the command line, if any."""
    if not strictness:
        return project
    import dataclasses

    return dataclasses.replace(
        project, config=dataclasses.replace(project.config, strictness=strictness)
    )


# -- rules ------------------------------------------------------------------------------


@main.group()
def rules():
    """List the lint rules and explain one."""


@rules.command("list")
@project_options
def rules_list(config_path, no_cache):
    """List every rule with its code, default severity and one-line description."""
    project = _project(config_path, no_cache)
    active = {r.id for r in project.active_rules}
    for rule in project.rules.values():
        state = "" if rule.id in active else "  (disabled)"
        what = " ".join(rule.doc.get("what", "").split())
        click.echo(
            f"{rule.id:<20} {rule.code:<6} {rule.severity:<8} {what[:70]}"
            f"{'…' if len(what) > 70 else ''}{state}"
        )


@rules.command("explain")
@click.argument("name")
@project_options
def rules_explain(name, config_path, no_cache):
    """Explain a rule: what it does, why, an example and a better version.

    NAME is a rule id (ambiguous-term) or code (TL201).
    """
    from .rules.load import rule_doc_markdown

    project = _project(config_path, no_cache)
    for rule in project.rules.values():
        if name in (rule.id, rule.code):
            click.echo(rule_doc_markdown(rule), nl=False)
            return
    raise TermlintError(f"unknown rule {name!r} (known: {', '.join(project.rules)})")


# -- glossary ---------------------------------------------------------------------------


@main.group()
def glossary():
    """Browse, validate and publish the glossary."""


@glossary.command("list")
@project_options
def glossary_list(config_path, no_cache):
    """List every term with its number of senses and summary."""
    project = _project(config_path, no_cache)
    for term in project.glossary.terms.values():
        n = len(term.senses)
        click.echo(
            f"{term.id:<30} {n} sense{'s' if n != 1 else ' '}  "
            f"{' '.join(term.summary.split())[:80]}"
        )


@glossary.command("show")
@click.argument("term_id")
@project_options
def glossary_show(term_id, config_path, no_cache):
    """Show a term: its senses, their features side by side, and the sources."""
    from .glossary.text import render_term

    project = _project(config_path, no_cache)
    term = project.glossary.terms.get(term_id)
    if term is None:
        matches = [
            t
            for t in project.glossary.terms.values()
            if term_id.lower() in (f.lower() for f in t.forms)
        ]
        if not matches:
            raise TermlintError(
                f"no term {term_id!r} in the glossary (see: termlint glossary list)"
            )
        term = matches[0]
    import shutil

    click.echo(render_term(term, project.glossary, width=shutil.get_terminal_size()[0]))


@glossary.command("check")
@click.argument("folders", nargs=-1, type=click.Path(path_type=Path))
def glossary_check(folders):
    """Validate glossary folders (default: termlint's own): schema, sources, relations, cues.

    Prints every problem as file:line: message and exits 2 if there is any.
    """
    from .glossary.entries import check_glossary

    g, errors = check_glossary(list(folders) or None)
    for err in errors:
        click.echo(f"{err}", err=True)
    if errors:
        sys.exit(EXIT_ERROR)
    assert g is not None  # loaded, since nothing was wrong
    count = sum(len(t.senses) for t in g.terms.values())
    click.echo(f"ok: {len(g.terms)} terms, {count} senses, {len(g.sources)} sources")


@glossary.command("build")
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(path_type=Path),
    help="Folder to write the site into (created if missing).",
)
@click.option("--base-url", default="", help="URL the site will be served from (optional).")
@project_options
def glossary_build(out_dir, base_url, config_path, no_cache):
    """Write the glossary as a static HTML site to browse offline.

    \b
    Example:
      termlint glossary build --out site/ && open site/index.html
    """
    from .site.build import build_site

    project = _project(config_path, no_cache)
    written = build_site(project.glossary, project.rules, out_dir, base_url=base_url)
    click.echo(f"wrote {len(written)} files to {out_dir}")


# -- evaluate ---------------------------------------------------------------------------


@main.command()
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--split",
    default="dev",
    show_default=True,
    help="Which part of the labelled set to score: a folder of the v2 corpus "
    "(train, dev, dev-b, blind-a, blind-b, blind-c, blind-d, blind-e, blind-f), a `split:` "
    "value of the first set's items (dev, dev2, heldout, fresh, blind3, blind4), or all.",
)
@click.option(
    "--strictness",
    type=click.Choice(["strict", "normal", "relaxed"]),
    help="Score at this strictness instead of the configured one.",
)
@click.option("-v", "--verbose", is_flag=True, help="List every error after the table.")
@project_options
def evaluate(folder, split, strictness, verbose, config_path, no_cache):
    """Score termlint against a labelled set (precision, recall, sense accuracy).

    FOLDER is tests/labelled (the first set: YAML lists of texts with their expected uses)
    or tests/labelled/v2 (the second: one folder per split, two readers' labels per use);
    see the README in each.

    \b
    Examples:
      termlint evaluate tests/labelled/v2 --split dev
      termlint evaluate tests/labelled --split heldout --strictness strict
    """
    from .evaluation.corpus import V2_SPLITS, is_v2, load_corpus
    from .evaluation.evaluate import check_labels, evaluate_corpus, load_items, report
    from .evaluation.evaluate import evaluate as run_evaluation

    project = _with_strictness(_project(config_path, no_cache), strictness)
    if is_v2(folder):
        splits = V2_SPLITS if split == "all" else (split,)
        if split != "all" and split not in V2_SPLITS:
            raise click.BadParameter(
                f"no split {split!r} in {folder} (its splits: {', '.join(V2_SPLITS)})",
                param_hint="--split",
            )
        corpus = load_corpus(splits, folder)
        scores = evaluate_corpus(corpus, project)
        count = len(corpus)
    else:
        items = load_items(folder, split)
        check_labels(items, project.glossary)
        count = len(items)
        if not items:
            known = sorted({i.get("split", "?") for i in load_items(folder, "all")})
            raise click.BadParameter(
                f"no items in split {split!r} (the splits in {folder}: "
                f"{', '.join(known) or 'none'})",
                param_hint="--split",
            )
        scores = run_evaluation(items, project)
    click.echo(report(scores, f"{folder} — split {split}: {count} items"), nl=False)
    if verbose:
        click.echo("")
        for err in scores.errors:
            click.echo(f"- {err}")


# -- fix --------------------------------------------------------------------------------


@main.command()
@click.argument("paths", nargs=-1)
@click.option(
    "--sense",
    "senses",
    multiple=True,
    metavar="TERM=SENSE",
    help="The sense every flagged use of TERM has in these documents (repeatable).",
)
@click.option(
    "--how",
    type=click.Choice(["rewrite", "link", "declare"]),
    default="rewrite",
    show_default=True,
    help="rewrite: put the sense's clarification in place of the "
    "words; link: link the words to the sense in your glossary site (needs docs_url); "
    "declare: declare "
    "the sense once in the front matter.",
)
@click.option(
    "--diff",
    "show_diff",
    is_flag=True,
    help="Print the changes as a unified diff and write nothing; a long changed line "
    "is shown once, word by word ([-old-]{+new+}).",
)
@click.option(
    "--line-diff",
    is_flag=True,
    help="With --diff: print long changed lines whole too (a patch git apply takes).",
)
@click.option(
    "--interactive/--no-interactive",
    default=None,
    help="Ask for the sense of each use whose term has no --sense; a number with 'a' "
    "after it (2a) answers for every remaining use [default: when standard input is a "
    "terminal].",
)
@click.option(
    "--force-exclude",
    is_flag=True,
    help="Apply the exclude patterns to files named on the command line too.",
)
@stdin_filename_option
@gitignore_option
@project_options
def fix(
    paths,
    senses,
    how,
    show_diff,
    line_diff,
    interactive,
    force_exclude,
    stdin_filename,
    no_gitignore,
    config_path,
    no_cache,
):
    """Settle ambiguous uses: you pick the sense, termlint edits the document.

    Files are rewritten atomically, keeping encoding, byte-order mark, line endings and
    permissions; only the flagged words (or the front matter, for --how declare) change, and
    a second run finds nothing more to do. - reads standard input and writes the result to
    standard output.

    \b
    Examples:
      termlint fix draft.md --sense scheming=worst-case-model --diff
      termlint fix posts/ --sense scheming=in-context-scheming --how link
      termlint fix draft.md --how declare          (asks, when run in a terminal)
      termlint fix - --stdin-filename docs/post.md --sense scheming=worst-case-model < a.md
    """
    from .edits.fix import (
        encode,
        fix_source,
        parse_sense_options,
        unified_diff,
        write_atomic,
    )
    from .files.runner import default_jobs, run_entries
    from .model import SourceText

    # Fixes are made use by use: the runner's results must not fold repeated uses together.
    paths, start = _stdin_paths(paths, stdin_filename)
    project = _per_use(_without_gitignore(_project(config_path, no_cache, cwd=start), no_gitignore))
    if how == "link" and not project.config.docs_url:
        from .edits.fix import LINK_NEEDS_DOCS_URL

        raise click.UsageError(LINK_NEEDS_DOCS_URL)
    chosen = parse_sense_options(senses, project.glossary)
    if interactive is None:
        interactive = sys.stdin.isatty()
    if not chosen and not interactive:
        raise click.UsageError(
            "say which sense to use: --sense TERM=SENSE (repeatable), or run "
            "in a terminal to choose use by use (--interactive)"
        )
    from .edits.interactive import Menu

    menu = Menu(
        project.glossary,
        how,
        chosen,
        ask=lambda text: click.prompt(text, default="0", err=True),
        say=lambda line: click.echo(line, err=True),
        docs_url=project.config.docs_url,
    )

    _terminate_cleanly()
    from .files.discovery import stdin_excluded

    excluded = stdin_excluded(stdin_filename, project.config, force_exclude)
    if "-" in paths and excluded and not show_diff:
        # An editor pipes its buffer through: an excluded file comes back unchanged.
        sys.stdout.buffer.write(sys.stdin.buffer.read())
    had_error = False
    files = uses = 0
    results = run_entries(
        paths or ["."],
        project,
        stdin_reader=sys.stdin.buffer.read,
        jobs=default_jobs(),
        use_cache=not no_cache,
        force_exclude=force_exclude,
        notice=_note,
        whole_source=True,
        stdin_filename=stdin_filename,
    )
    for path, result in results:
        try:
            if result.error is not None:
                raise result.error
            source = result.source
            assert isinstance(source, SourceText)
            data = encode(source, source.text)  # the bytes read: decoding is lossless
            plan = fix_source(
                source,
                project,
                menu.chooser(source, interactive and path is not None),
                how,
                result=result,
            )
        except TermlintError as exc:
            had_error = True
            click.echo(f"termlint: {exc}", err=True)
            continue
        for note in plan.notes:
            click.echo(f"note: {note}", err=True)
        if show_diff:
            click.echo(
                unified_diff(source.path, plan.old_text, plan.new_text, words=not line_diff),
                nl=False,
            )
        elif path is None:
            sys.stdout.buffer.write(encode(source, plan.new_text))
        elif plan.changed:
            try:
                write_atomic(path, encode(source, plan.new_text), original=data)
            except TermlintError as exc:
                had_error = True
                click.echo(f"termlint: {exc}", err=True)
                continue
        if plan.changed:
            files += 1
            uses += len(plan.fixed)
    verb = "would fix" if show_diff else "fixed"
    click.echo(
        f"{verb} {uses} use{'s' if uses != 1 else ''} in {files} file{'s' if files != 1 else ''}",
        err=True,
    )
    if had_error:
        sys.exit(EXIT_ERROR)


def _terminate_cleanly() -> None:
    """SIGTERM during a fix unwinds like Ctrl-C, so the temporary file of a write in
    progress is removed (the original is untouched either way)."""
    import contextlib
    import signal

    def stop(signum, frame):
        raise SystemExit(128 + signum)

    # ValueError: not the main thread (an embedding program): leave it alone.
    with contextlib.suppress(ValueError):
        signal.signal(signal.SIGTERM, stop)


# -- init -------------------------------------------------------------------------------


@main.command()
@click.option("--force", is_flag=True, help="Overwrite an existing .termlint.yaml.")
def init(force):
    """Write a starter .termlint.yaml here and print the pre-commit hook to add.

    \b
    Example:
      termlint init && termlint check
    """
    from .project.init import pre_commit_snippet, remote_snippet, write_starter

    path = write_starter(Path.cwd(), force=force)
    click.echo(f"wrote {path.name}: every key is explained in it (see: termlint rules list)")
    click.echo(
        "\nTo check Markdown files on every commit with this installed termlint, add this "
        "to .pre-commit-config.yaml:\n"
    )
    click.echo(pre_commit_snippet(), nl=False)
    click.echo(
        "\nOr let pre-commit install termlint itself, from its git repository at a commit "
        "(fill in the two blanks):\n"
    )
    click.echo(remote_snippet(), nl=False)


def run() -> None:
    """The ``termlint`` command: :func:`main`, then a quick exit.

    After a large run, tearing the interpreter down (freeing every spaCy lexeme and parsed
    block one at a time) took a fifth of a second. By the time main returns, everything
    termlint writes has been closed, so only the standard streams need flushing.
    """
    import contextlib
    import os

    from . import nlp

    nlp.SKIP_SPACY_CLI = True  # this process never runs spaCy's own commands
    if sys.stdout is None or _closed(1):
        # termlint check >&- : nowhere to write the report (click's echo crashed on None).
        _say("termlint: standard output is closed; nothing can be reported")
        os._exit(EXIT_ERROR)
    try:
        rv = main(standalone_mode=False)  # returns the code of ctx.exit (--help, --version)
        code: int | str | None = rv if isinstance(rv, int) else 0
    except SystemExit as exc:
        code = exc.code
    except click.exceptions.Abort:  # Ctrl-C at a prompt
        code = _interrupted()
    except KeyboardInterrupt:
        code = _interrupted()
    except click.ClickException as exc:
        exc.show()
        code = exc.exit_code
    except OSError as exc:
        code = _output_error(exc)
    if code is None:
        code = 0
    elif not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    try:
        sys.stdout.flush()
    except OSError as exc:
        code = _output_error(exc, code)
    except ValueError:
        pass
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.flush()
    os._exit(code)


def _closed(fd: int) -> bool:
    import os

    try:
        os.fstat(fd)
    except OSError:
        return True
    return False


def _say(line: str) -> None:
    import contextlib

    with contextlib.suppress(OSError, ValueError, AttributeError):
        sys.stderr.write(line + "\n")
        sys.stderr.flush()


def _interrupted() -> int:
    _say("termlint: interrupted")
    return 130


def _output_error(exc: OSError, code: int = EXIT_ERROR) -> int:
    """A closed pipe (termlint check | head) has taken all it wanted: the run's own status.
    Any other failure to write the output (a full disk, /dev/full) is one line and exit 2."""
    import errno

    if exc.errno == errno.EPIPE:
        _pacify_stdout()
        return code if code != 0 else EXIT_FINDINGS
    if getattr(exc, "filename", None):  # a file system error this far up: still one line
        _say(f"termlint: {exc.filename}: {exc.strerror or exc}")
        return EXIT_ERROR
    _pacify_stdout()
    _say(f"termlint: cannot write the output: {exc.strerror or exc}")
    return EXIT_ERROR


def _pacify_stdout() -> None:
    """Drop whatever is still buffered for standard output (it cannot be written)."""
    import contextlib
    import os

    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


if __name__ == "__main__":  # pragma: no cover
    run()
