"""Loading YAML data files (glossary, sources, rules, config) and validating them.

One piece serves every kind of data file: read, parse safely with line numbers, validate
against a JSON Schema shipped in ``termlint/schema``, and report each problem as
``file:line: message``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from ..errors import TermlintError

#: termlint's own folder. Not importlib.resources: it and what it imports were a tenth of the
#: start-up of a run on files with no glossary term (and termlint is never run from a zip).
PACKAGE_DIR = Path(__file__).resolve().parent.parent

@cache
def schema(name: str) -> dict:
    """A JSON Schema shipped with the package, by file stem (e.g. ``glossary-term``)."""
    text = (PACKAGE_DIR / "schema" / f"{name}.schema.json").read_text(encoding="utf-8")
    return json.loads(text)


def read_yaml_file(path: Path) -> Any:
    """Read and parse one YAML file; any failure names the file."""
    from .yamlio import load_yaml

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

    from .yamlio import line_of

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
    installed = PACKAGE_DIR / "_bundled" / name
    if installed.is_dir():
        return installed
    checkout = PACKAGE_DIR.parent / name
    if checkout.is_dir():
        return checkout
    raise TermlintError(f"termlint's bundled {name} folder is missing; reinstall termlint",
                        str(installed))


def cache_dir() -> Path | None:
    """Where validated data is cached; None when caching is switched off."""
    if os.environ.get("TERMLINT_NO_CACHE"):
        return None
    if os.environ.get("TERMLINT_CACHE_DIR"):
        return Path(os.environ["TERMLINT_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME")
    return (Path(base) if base else Path.home() / ".cache") / "termlint"


def fingerprint(kind: str, files: list[Path]) -> str:
    """A digest of termlint's version and the files' names and contents."""
    from .. import __version__

    h = hashlib.sha256(f"{__version__}\0{kind}".encode())
    for f in files:
        h.update(str(f).encode() + b"\0")
        try:
            h.update(f.read_bytes())
        except OSError:
            h.update(b"<unreadable>")
    return h.hexdigest()[:32]


def cached_raw(kind: str, files: list[Path], produce: Callable[[], Any],
               use_cache: bool = True) -> tuple[Any, str]:
    """Validated plain data for ``files``, from the cache when their contents are unchanged.

    ``produce`` parses and validates (raising on problems); only its successful, JSON-shaped
    result is cached, so a broken file is reported on every run. The cache holds data only:
    it is read with ``json``, never executed.
    """
    digest = fingerprint(kind, files)
    folder = cache_dir() if use_cache else None
    path = folder / f"{kind}-{digest}.json" if folder else None
    if path is not None and path.is_file():
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            pass  # a damaged cache entry is rebuilt below
        else:
            with contextlib.suppress(OSError):
                os.utime(path)  # in use: not pruned (files.cache.prune_cache)
            return data, digest
    raw = produce()
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
            tmp.write_text(json.dumps(raw), encoding="utf-8")
            os.replace(tmp, path)
        except OSError:
            pass  # caching is an optimisation only
    return raw, digest
