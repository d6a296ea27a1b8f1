"""Loading YAML data files (glossary, sources, rules, config) and validating them.

One piece serves every kind of data file: read, parse safely with line numbers, validate
against a JSON Schema shipped in ``termlint/schema``, and report each problem as
``file:line: message``.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import TermlintError
from .yamlio import line_of, load_yaml


@lru_cache(maxsize=None)
def schema(name: str) -> dict:
    """A JSON Schema shipped with the package, by file stem (e.g. ``glossary-term``)."""
    text = resources.files("termlint").joinpath("schema", f"{name}.schema.json").read_text(
        encoding="utf-8")
    return json.loads(text)


def read_yaml_file(path: Path) -> Any:
    """Read and parse one YAML file; any failure names the file."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise TermlintError("not valid UTF-8", str(path)) from None
    except OSError as exc:
        raise TermlintError(f"cannot read file: {exc.strerror or exc}", str(path)) from None
    return load_yaml(text, str(path))


def validate(data: Any, schema_name: str, path: str) -> list[TermlintError]:
    """Validate loaded YAML against a schema; one error per problem, with its line."""
    import jsonschema

    validator_cls = jsonschema.validators.validator_for(schema(schema_name))
    validator = validator_cls(schema(schema_name))
    errors = []
    for err in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.path))):
        location = list(err.absolute_path)
        where = "/".join(str(p) for p in location)
        message = _readable(err)
        if where:
            message = f"{where}: {message}"
        errors.append(TermlintError(message, path, line_of(data, location)))
    return errors


def _readable(err) -> str:
    if err.validator == "additionalProperties":
        extra = sorted(set(err.instance) - set(err.schema.get("properties", {})))
        allowed = ", ".join(sorted(err.schema.get("properties", {})))
        return f"unknown key {', '.join(map(repr, extra))} (allowed: {allowed})"
    if err.validator == "required":
        return err.message.replace("is a required property", "is required")
    if err.validator == "type":
        return f"expected {err.validator_value}, got {type(err.instance).__name__}"
    if err.validator == "pattern":
        return f"{err.instance!r} is not allowed here (must match {err.validator_value})"
    if err.validator == "enum":
        return f"{err.instance!r} is not one of {', '.join(map(str, err.validator_value))}"
    return err.message


def yaml_files(folder: Path) -> list[Path]:
    """The ``*.yaml`` / ``*.yml`` files of a folder, sorted by name."""
    if not folder.is_dir():
        raise TermlintError("not a folder", str(folder))
    return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())


def bundled_dir(name: str) -> Path:
    """The folder of termlint's own ``glossary`` or ``rules`` (installed or in a checkout)."""
    installed = Path(str(resources.files("termlint"))) / "_bundled" / name
    if installed.is_dir():
        return installed
    checkout = Path(__file__).resolve().parent.parent / name
    if checkout.is_dir():
        return checkout
    raise TermlintError(f"termlint's bundled {name} folder is missing; reinstall termlint",
                        str(installed))
