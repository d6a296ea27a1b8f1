"""``termlint init``: a starter ``.termlint.yaml`` and the pre-commit hook to add."""

from __future__ import annotations

from pathlib import Path

from ..errors import TermlintError

CONFIG_NAME = ".termlint.yaml"

STARTER = """\
# termlint configuration. Every key is optional: remove the "# " in front of one to use it.
# Rules: termlint rules list      Terms: termlint glossary list      Check: termlint check

# The lowest severity that makes `termlint check` exit 1: error, warning, info or never.
fail_on: warning

# Your own glossary terms and rules: folders of YAML files, relative to this file.
# glossary: [glossary]
# rules: [termlint-rules]

# Run only some rules, or switch some off (rule ids such as ambiguous-term, or codes: TL201).
# enable: [ambiguous-term, inconsistent-sense]
# disable: [undefined-term]

# A rule's severity: error, warning or info.
# severity: {ambiguous-term: error}

# Paths not to check: glob patterns relative to this file.
# exclude: ["archive/**", "vendor/**"]

# Where your copy of the glossary site is served (termlint glossary build --out site/):
# findings link to it, and fix --how link needs it. Without it, termlint prints no links.
# docs_url: https://example.org/glossary

# Also flag ambiguous uses inside blockquotes (quoted material is skipped by default).
# check_blockquotes: true

# Options of single rules (see: termlint rules explain RULE).
# rule_options: {undefined-term: {min_uses: 3}}
"""

PRE_COMMIT = """\
repos:
  - repo: {repo}
    rev: {rev}
    hooks:
      - id: termlint
"""

REPO_PLACEHOLDER = "https://github.com/OWNER/termlint  # the termlint repository you use"


def pre_commit_snippet(repo: str = REPO_PLACEHOLDER, rev: str | None = None) -> str:
    """The ``.pre-commit-config.yaml`` entry that runs termlint's hook on Markdown files."""
    from .. import __version__

    return PRE_COMMIT.format(repo=repo, rev=rev or f"v{__version__}  # a tag or commit of it")


def write_starter(folder: Path, force: bool = False) -> Path:
    """Write the starter configuration; an existing file is kept unless ``force``."""
    path = folder / CONFIG_NAME
    if path.exists() and not force:
        raise TermlintError(f"{CONFIG_NAME} already exists; use --force to overwrite it", str(path))
    try:
        path.write_text(STARTER, encoding="utf-8")
    except OSError as exc:
        raise TermlintError(f"cannot write: {exc.strerror or exc}", str(path)) from None
    return path
