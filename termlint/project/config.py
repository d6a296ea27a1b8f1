"""Project configuration: ``[tool.termlint]`` in pyproject.toml, or ``.termlint.yaml``.

Found by walking up from the working folder; an explicit ``--config`` wins. Relative paths in
the configuration are relative to the file that holds them. Nothing in it is ever executed.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import DataErrors, TermlintError
from .datafiles import cached_raw, validate

CONFIG_NAMES = (".termlint.yaml", ".termlint.yml", "pyproject.toml")
#: No site, no links: without a configured ``docs_url`` termlint prints and writes no URL.
DEFAULT_DOCS_URL = ""


@dataclass
class Config:
    path: str | None = None
    root: Path = field(default_factory=Path.cwd)
    glossary_dirs: list[Path] = field(default_factory=list)
    rule_dirs: list[Path] = field(default_factory=list)
    enable: list[str] = field(default_factory=list)
    disable: list[str] = field(default_factory=list)
    severity: dict[str, str] = field(default_factory=dict)
    exclude: list[str] = field(default_factory=list)  # gitignore patterns (pathspec)
    respect_gitignore: bool = True  # skip what git ignores, inside folders in a work tree
    fail_on: str = "warning"
    docs_url: str = DEFAULT_DOCS_URL
    check_blockquotes: bool = False
    strictness: str = "normal"  # strict | normal | relaxed: how sure a reading must be
    group: str = "document"  # document | section | use: how repeated flags of a term are shown
    rule_options: dict[str, dict[str, Any]] = field(default_factory=dict)


def find_config(start: Path) -> Path | None:
    """The nearest configuration file at or above ``start``."""
    folder = start.resolve()
    for candidate in (folder, *folder.parents):
        for name in CONFIG_NAMES:
            path = candidate / name
            if path.is_file() and (name != "pyproject.toml" or _has_tool_section(path)):
                return path
    return None


def _has_tool_section(path: Path) -> bool:
    try:
        return "[tool.termlint" in path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False


def load_config(path: Path | None = None, start: Path | None = None) -> Config:
    """Read and validate the configuration (defaults when there is none)."""
    if path is None:
        path = find_config(start or Path.cwd())
        if path is None:
            return Config(root=(start or Path.cwd()).resolve())
    if not path.is_file():
        raise TermlintError("configuration file not found", str(path))
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise TermlintError("not valid UTF-8", str(path)) from None
    except OSError as exc:
        from ..files.source import read_error

        raise read_error(exc, str(path), expected="a configuration file") from None
    data, _ = cached_raw("config", [path], lambda: _parse(text, path), valid=_plausible)
    root = path.parent.resolve()
    return Config(
        path=str(path),
        root=root,
        glossary_dirs=[(root / p) for p in data.get("glossary", [])],
        rule_dirs=[(root / p) for p in data.get("rules", [])],
        enable=list(data.get("enable", [])),
        disable=list(data.get("disable", [])),
        severity=dict(data.get("severity", {})),
        exclude=list(data.get("exclude", [])),
        respect_gitignore=data.get("respect_gitignore", True),
        fail_on=data.get("fail_on", "warning"),
        docs_url=data.get("docs_url", DEFAULT_DOCS_URL).rstrip("/"),
        check_blockquotes=data.get("check_blockquotes", False),
        strictness=data.get("strictness", "normal"),
        group=data.get("group", "document"),
        rule_options={k: dict(v) for k, v in data.get("rule_options", {}).items()},
    )


_CONFIG_TYPES = {
    "glossary": list,
    "rules": list,
    "enable": list,
    "disable": list,
    "severity": dict,
    "exclude": list,
    "respect_gitignore": bool,
    "fail_on": str,
    "docs_url": str,
    "check_blockquotes": bool,
    "strictness": str,
    "group": str,
    "rule_options": dict,
}


def _plausible(data: Any) -> bool:
    """A cached configuration of the shape :func:`_parse` makes (a wrong one is re-read)."""
    if not isinstance(data, dict):
        return False
    for key, value in data.items():
        expected = _CONFIG_TYPES.get(key)
        if expected is None or not isinstance(value, expected):
            return False
    for key in ("glossary", "rules", "enable", "disable", "exclude"):
        if not all(isinstance(v, str) for v in data.get(key, [])):
            return False
    return (
        data.get("fail_on", "warning") in ("error", "warning", "info", "never")
        and data.get("group", "document") in ("document", "section", "use")
        and all(
            isinstance(v, str) and v in ("error", "warning", "info")
            for v in data.get("severity", {}).values()
        )
        and all(isinstance(v, dict) for v in data.get("rule_options", {}).values())
    )


def _parse(text: str, path: Path) -> dict:
    """Parse and validate a configuration file's text; raise with file:line on problems."""
    if path.name.endswith(".toml"):
        data = _toml_section(text, str(path))
        line_for = _toml_line_finder(text)
    else:
        from .yamlio import load_yaml

        data = load_yaml(text, str(path)) or {}
        line_for = None
    if not isinstance(data, dict):
        raise TermlintError("configuration must be a mapping of settings", str(path), 1)
    where = _non_json(data)
    if where:  # a TOML date: the validated configuration is cached as JSON
        raise TermlintError(
            f"{'/'.join(where)}: dates and times are not allowed here",
            str(path),
            line_for(where[0]) if line_for else None,
        )
    errors = validate(data, "config", str(path))
    if line_for is not None:
        for err in errors:
            key = err.message.split(":", 1)[0].split("/", 1)[0]
            quoted = re.findall(r"'([\w-]+)'", err.message)
            err.line = line_for(quoted[0] if "unknown key" in err.message and quoted else key)
    if errors:
        raise DataErrors(errors)
    return dict(data)


def config_line(path: str, keys: list[str]) -> int | None:
    """The line of a setting (a key path) in a configuration file, for an error found after
    the file was read (the validated configuration is cached without its lines)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
        if path.endswith(".toml"):
            return _toml_line_finder(text)(keys[-1])
        from .yamlio import line_of, load_yaml

        return line_of(load_yaml(text, path), keys)
    except (OSError, UnicodeDecodeError, TermlintError):
        return None


def _non_json(value: Any, where: tuple[str, ...] = ()) -> tuple[str, ...] | None:
    """The key path of the first value JSON cannot hold, if any."""
    if isinstance(value, dict):
        for key, item in value.items():
            found = _non_json(item, (*where, str(key)))
            if found:
                return found
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found = _non_json(item, (*where, str(i)))
            if found:
                return found
    elif not isinstance(value, (str, int, float, bool)) and value is not None:
        return where or ("(top)",)
    return None


def _toml_section(text: str, path: str) -> dict:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        raise TermlintError(f"invalid TOML: {exc}", path, int(m.group(1)) if m else None) from None
    section = data.get("tool", {}).get("termlint", {})
    if not isinstance(section, dict):
        raise TermlintError("[tool.termlint] must be a table", path)
    return section


def _toml_line_finder(text: str):
    lines = text.splitlines()
    start = next(
        (i for i, line in enumerate(lines) if line.strip().startswith("[tool.termlint")), 0
    )

    def line_for(key: str) -> int | None:
        pattern = re.compile(r"^\s*" + re.escape(key) + r"\s*=")
        for i in range(start, len(lines)):
            if pattern.match(lines[i]):
                return i + 1
        return start + 1

    return line_for
