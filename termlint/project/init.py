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

#: The hook for a termlint installed on this machine (``pipx install``): pre-commit runs the
#: ``termlint`` on PATH. The same entry, types and serial run as ``.pre-commit-hooks.yaml``.
LOCAL_HOOK = """\
repos:
  - repo: local
    hooks:
      - id: termlint
        name: termlint
        entry: termlint check --force-exclude
        language: system
        types: [markdown]
        require_serial: true
"""

#: The hook pre-commit installs itself, from termlint's git repository at a commit.
REMOTE_HOOK = """\
repos:
  - repo: {repo}
    rev: {rev}
    hooks:
      - id: termlint
"""

#: The two blanks of the remote form, for the user to fill in (the repository has no release
#: tags yet, so the rev is a commit).
REPO_PLACEHOLDER = "REPOSITORY-URL  # the git URL of the termlint repository you use"
REV_PLACEHOLDER = "COMMIT-SHA  # a full commit of it: git rev-parse HEAD in a clone"


def pre_commit_snippet(repo: str | None = None, rev: str | None = None) -> str:
    """The ``.pre-commit-config.yaml`` entry that runs termlint's hook on Markdown files: the
    local form (no arguments) or, given ``repo`` and ``rev``, the form pre-commit installs."""
    if repo is None and rev is None:
        return LOCAL_HOOK
    return REMOTE_HOOK.format(repo=repo or REPO_PLACEHOLDER, rev=rev or REV_PLACEHOLDER)


def remote_snippet() -> str:
    """The remote form with its two blanks to fill in."""
    return REMOTE_HOOK.format(repo=REPO_PLACEHOLDER, rev=REV_PLACEHOLDER)


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
