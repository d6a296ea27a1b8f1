"""Rules as data: ``rules/*.yaml``, one file per rule, each with its documentation.

A rule names a *kind* (the Python check it configures), a severity, a message template and the
terms it applies to. Users add rules in their own folders with the same format.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import DataErrors, TermlintError, quote
from ..project.datafiles import bundled_dir, cached_raw, read_yaml_file, validate, yaml_files

SEVERITIES = ("info", "warning", "error")
DOC_SECTIONS = (
    ("what", "What it does"),
    ("why", "Why is this bad?"),
    ("example", "Example"),
    ("use_instead", "Use instead"),
    ("known_problems", "Known problems"),
    ("options", "Options"),
)


def severity_rank(severity: str) -> int:
    return SEVERITIES.index(severity)


@dataclass
class Rule:
    id: str
    kind: str
    severity: str
    message: str
    doc: dict[str, Any]
    code: str = ""
    terms: list[str] = field(default_factory=list)
    options: dict[str, Any] = field(default_factory=dict)
    path: str = ""

    def applies_to(self, term_id: str) -> bool:
        return not self.terms or term_id in self.terms


def load_rules(dirs: list[Path] | None = None, use_cache: bool = True) -> dict[str, Rule]:
    """Load every rule folder (termlint's own by default); problems raise DataErrors."""
    dirs = [bundled_dir("rules")] if dirs is None else list(dirs)
    files = [p for folder in dirs for p in yaml_files(folder)]
    raw, _ = cached_raw(
        "rules",
        files,
        lambda: _load_raw(files),
        use_cache,
        valid=lambda raw: _plausible_rules(raw, len(files)),
    )
    return {r["id"]: Rule(**r) for r in raw}


# The keys of kinds.KINDS and kinds.AFTER_SUPPRESSION (a test keeps them equal), named here so
# that checking a cached rule list does not import the checks and the records they make.
KIND_NAMES = frozenset(("ambiguous", "inconsistent", "undefined", "unused-suppression"))

_RULE_TYPES = {
    "id": str,
    "kind": str,
    "severity": str,
    "message": str,
    "doc": dict,
    "code": str,
    "terms": list,
    "options": dict,
    "path": str,
}


def _plausible_rules(raw: Any, files: int) -> bool:
    """A cached rule list of the shape :func:`_load_raw` makes: one rule per file."""
    return (
        isinstance(raw, list)
        and len(raw) == files
        and all(
            isinstance(r, dict)
            and set(r) == set(_RULE_TYPES)
            and all(isinstance(r[k], t) for k, t in _RULE_TYPES.items())
            and r["severity"] in SEVERITIES
            and r["kind"] in KIND_NAMES
            for r in raw
        )
    )


def _load_raw(files: list[Path]) -> list[dict]:
    from ..project.yamlio import line_of

    errors: list[TermlintError] = []
    rules: dict[str, dict] = {}
    for path in files:
        try:
            data = read_yaml_file(path)
        except TermlintError as exc:
            errors.append(exc)
            continue
        problems = validate(data, "rule", str(path))
        if problems:
            errors.extend(problems)
            continue
        problem = check_message(data["message"].strip(), data["kind"])
        if problem:
            errors.append(TermlintError(problem, str(path), line_of(data, ["message"])))
            continue
        problems = [
            TermlintError(message, str(path), line_of(data, ["options", *where]))
            for where, message in check_options(data.get("options", {}), data["kind"])
        ]
        if problems:
            errors.extend(problems)
            continue
        if data["id"] in rules:
            errors.append(
                TermlintError(
                    f"rule id {data['id']!r} is defined twice "
                    f"(also in {rules[data['id']]['path']})",
                    str(path),
                    line_of(data, ["id"]),
                )
            )
            continue
        if path.stem not in (data["id"], f"{data.get('code', '')}-{data['id']}"):
            errors.append(
                TermlintError(
                    f"rule id {data['id']!r} does not match the file name {path.name!r}",
                    str(path),
                    line_of(data, ["id"]),
                )
            )
            continue
        rules[data["id"]] = {
            "id": data["id"],
            "kind": data["kind"],
            "severity": data["severity"],
            "message": data["message"].strip(),
            "doc": dict(data["doc"]),
            "code": data.get("code", ""),
            "terms": list(data.get("terms", [])),
            "options": dict(data.get("options", {})),
            "path": str(path),
        }
    if errors:
        raise DataErrors(errors)
    return [rules[k] for k in sorted(rules)]


def check_message(message: str, kind: str) -> str | None:
    """Why ``message`` cannot be a template for a rule of ``kind``, or None if it can.

    Every placeholder must be a field the kind fills (``MESSAGE_FIELDS``), and the template
    must format with values of the types the kind passes, so a rule never fails when it fires.
    """
    from string import Formatter

    from .kinds import MESSAGE_FIELDS

    fields = MESSAGE_FIELDS.get(kind)
    if fields is None:  # the schema has already refused an unknown kind
        return None
    known = ", ".join("{" + f + "}" for f in sorted(fields)) or "none"
    try:
        names = [name for _, name, _, _ in Formatter().parse(message) if name is not None]
    except ValueError as exc:
        return f"message: not a valid template ({exc}); write a literal brace as {{{{ or }}}}"
    for name in names:
        if name not in fields:
            shown = "{" + name + "}"
            if re.split(r"[.\[]", name, maxsplit=1)[0] in fields:
                return f"message: placeholder {quote(shown)} takes no attribute or index"
            return (
                f"message: unknown placeholder {quote(shown)} for a rule of kind {kind!r} "
                f"(its placeholders: {known})"
            )
    try:
        message.format(**fields)
    except Exception as exc:  # a bad format spec or conversion: {count:q}, {match!z}
        return f"message: cannot be formatted ({type(exc).__name__}: {exc})"
    return None


def check_options(options: dict[str, Any], kind: str) -> list[tuple[list[str], str]]:
    """What is wrong with a rule's ``options`` for its ``kind``: (the option's key path, the
    message) for each problem, checked against the kind's schema (``kinds.OPTIONS``)."""
    import jsonschema

    from ..project.datafiles import describe_schema_error
    from .kinds import OPTIONS

    declared = OPTIONS.get(kind)
    if declared is None:  # the schema has already refused an unknown kind
        return []
    known = ", ".join(sorted(declared)) or "none"
    problems = []
    for name, value in options.items():
        if name not in declared:
            problems.append(
                (
                    [name],
                    f"options: unknown option {quote(name)} for a rule of kind {kind!r} "
                    f"(its options: {known})",
                )
            )
            continue
        validator = jsonschema.Draft202012Validator(declared[name])
        for err in validator.iter_errors(value):
            problems.append(([name], f"options/{name}: {describe_schema_error(err)}"))
            break
    return problems


def rule_doc_markdown(rule: Rule) -> str:
    """The rule's documentation page as Markdown: generated header, then the authored body.

    The same text is printed by ``termlint rules explain`` and rendered into the site.
    """
    lines = [f"# {rule.id}" + (f" ({rule.code})" if rule.code else ""), ""]
    applies = ", ".join(rule.terms) if rule.terms else "every multi-sense term"
    lines.append(
        f"Default severity: **{rule.severity}**. Kind: `{rule.kind}`. Applies to: {applies}."
    )
    lines.append("")
    for key, heading in DOC_SECTIONS:
        body = rule.doc.get(key)
        if not body:
            continue
        lines.append(f"## {heading}")
        lines.append("")
        if key in ("example", "use_instead"):
            lines.extend(["```markdown", body.rstrip(), "```"])
        else:
            lines.append(body.strip())
        lines.append("")
    refs = rule.doc.get("references")
    if refs:
        lines.append("## References")
        lines.append("")
        lines.extend(f"- {r}" for r in refs)
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
