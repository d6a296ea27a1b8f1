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
import re
import sys
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from ..errors import TermlintError
from ..files.atomic import replace_file

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
    from ..files.source import read_error
    from .yamlio import load_yaml

    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise TermlintError("not valid UTF-8", str(path)) from None
    except OSError as exc:
        raise read_error(exc, str(path), expected="a YAML file") from None
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
        message = describe_schema_error(err)
        if where:
            message = f"{where}: {message}"
        errors.append(TermlintError(message, path, line_of(data, location)))
    return errors


def describe_schema_error(err) -> str:
    """A JSON Schema validation error in the words of termlint's other data errors."""
    if err.validator == "additionalProperties":
        extra = sorted(set(err.instance) - set(err.schema.get("properties", {})))
        allowed = ", ".join(sorted(err.schema.get("properties", {})))
        return f"unknown key {', '.join(map(repr, extra))} (allowed: {allowed})"
    if err.validator == "required":
        return err.message.replace("is a required property", "is required")
    from ..errors import quote, shorten

    if err.validator == "type":
        return f"expected {err.validator_value}, got {_json_kind(err.instance)}"
    if err.validator == "pattern":
        return f"{quote(err.instance)} is not allowed here (must match {err.validator_value})"
    if err.validator == "enum":
        return f"{quote(err.instance)} is not one of {', '.join(map(str, err.validator_value))}"
    return shorten(err.message, 300)


def _json_kind(value: Any) -> str:
    """A value's kind in the schema's words (not the loader's LineDict / LineList)."""
    if isinstance(value, bool):
        return "boolean"
    for kind, name in (
        (dict, "object"),
        (list, "array"),
        (str, "string"),
        (int, "integer"),
        (float, "number"),
    ):
        if isinstance(value, kind):
            return name
    return "null" if value is None else type(value).__name__


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
    raise TermlintError(
        f"termlint's bundled {name} folder is missing; reinstall termlint", str(installed)
    )


#: The file that marks a folder as termlint's cache (https://bford.info/cachedir/): the
#: pruner only ever deletes inside a folder that holds it, and only names termlint writes.
CACHE_MARKER = "CACHEDIR.TAG"
CACHE_MARKER_TEXT = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by termlint.\n"
    "# For information about cache directory tags see https://bford.info/cachedir/\n"
)
#: Every name termlint writes at the top of its cache folder.
OWN_TOP_NAME = re.compile(
    r"(?:[a-z]+-[0-9a-f]{32}\.json(?:\.\d+\.tmp)?|last-pruned|results|"
    + re.escape(CACHE_MARKER)
    + r")\Z"
)
_cache_state: dict[str, bool] = {}


def warn(message: str) -> None:
    """A one-line warning on standard error (the run goes on)."""
    import sys

    with contextlib.suppress(OSError, ValueError, AttributeError):
        sys.stderr.write(f"termlint: warning: {message}\n")
        sys.stderr.flush()


def cache_location() -> Path | None:
    """Where the cache would be, from the environment; None when caching is switched off.

    A relative ``XDG_CACHE_HOME`` is ignored, as the XDG spec says; a relative
    ``TERMLINT_CACHE_DIR`` is taken from the working folder once, so every process agrees.
    """
    if os.environ.get("TERMLINT_NO_CACHE"):
        return None
    try:
        explicit = os.environ.get("TERMLINT_CACHE_DIR")
        if explicit:
            return Path(os.path.abspath(explicit))  # noqa: PTH100 - normalised, links kept
        return default_cache_location()
    except (OSError, RuntimeError, KeyError):  # a deleted working folder, no home folder
        return None


def default_cache_location() -> Path:
    """The platform's user cache folder for termlint, from platformdirs:
    ``$XDG_CACHE_HOME/termlint`` or ``~/.cache/termlint`` on Linux and the BSDs,
    ``~/Library/Caches/termlint`` on macOS, ``%LOCALAPPDATA%\\termlint\\Cache`` on Windows."""
    if sys.platform == "linux" and not os.environ.get("ANDROID_DATA"):
        # What platformdirs answers here, without importing it (5 ms of a 50 ms no-term run):
        # an absolute XDG_CACHE_HOME, else ~/.cache under an absolute HOME.
        xdg = os.environ.get("XDG_CACHE_HOME", "")
        if os.path.isabs(xdg):  # noqa: PTH117 - strings, no Path made for nothing
            return Path(xdg, "termlint")
        home = os.environ.get("HOME", "")
        if os.path.isabs(home):  # noqa: PTH117
            return Path(os.path.expanduser("~/.cache"), "termlint")  # noqa: PTH111
    import platformdirs

    path = Path(platformdirs.user_cache_dir("termlint", appauthor=False))
    if not path.is_absolute():  # a relative XDG_CACHE_HOME: ignored, as the XDG spec says
        path = Path.home() / ".cache" / "termlint"
    return path


def cache_dir() -> Path | None:
    """The cache folder termlint owns, or None: switched off, or unusable (with a warning).

    termlint uses a folder only if it made it (its CACHEDIR.TAG marker) or it holds nothing but
    names termlint writes; a folder holding anything else is refused, never pruned. A missing
    folder is made (mode 0700) only when its parent exists, or its parent's parent for the
    platform's default (:func:`default_cache_location`). Any problem is a warning and the run
    goes on uncached.
    """
    folder = cache_location()
    if folder is None:
        return None
    key = str(folder)
    known = _cache_state.get(key)
    if known is False:
        return None
    try:
        if known and (folder / CACHE_MARKER).is_file():
            return folder
        _claim(folder)
    except _Refused as exc:
        _cache_state[key] = False
        warn(f"{_short(key)}: {exc}; running without the cache")
        return None
    except OSError as exc:
        _cache_state[key] = False
        warn(
            f"{_short(key)}: cache folder unusable ({exc.strerror or exc}); "
            "running without the cache"
        )
        return None
    _cache_state[key] = True
    return folder


class _Refused(Exception):
    pass


def _short(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _claim(folder: Path) -> None:
    marker = folder / CACHE_MARKER
    if folder.is_symlink() and not folder.is_dir():
        raise _Refused("cache folder is a dangling link")
    if folder.is_dir():
        if marker.is_file():
            _check_access(folder)
            return
        foreign = [p.name for p in folder.iterdir() if not OWN_TOP_NAME.match(p.name)]
        if foreign:
            raise _Refused(
                f"cache folder holds files termlint did not write "
                f"(such as {_short(foreign[0], 60)!r}) and no {CACHE_MARKER}"
            )
        _check_access(folder)
    elif folder.exists():
        raise _Refused("cache location is not a folder")
    else:
        parent = folder.parent
        if not parent.is_dir():
            default = default_cache_location()
            if folder != default or not parent.parent.is_dir():
                raise _Refused(
                    f"the folder above the cache ({_short(str(parent), 80)}) does not exist"
                )
            parent.mkdir(mode=0o700)
        folder.mkdir(mode=0o700)
    replace_file(
        marker,
        CACHE_MARKER_TEXT.encode("ascii"),
        temporary=folder / f"{CACHE_MARKER}.{os.getpid()}.tmp",
    )


def _check_access(folder: Path) -> None:
    next(iter(folder.iterdir()), None)  # raises when the folder cannot be read or searched
    if not os.access(folder, os.W_OK | os.X_OK):
        raise PermissionError(13, "permission denied")


def read_cache_entry(path: Path, kind: str) -> Any:
    """A cache entry's data, or None when missing, unreadable or not an entry termlint wrote.

    An entry is two lines: a header (``termlint-cache 1 KIND SHA256``, the digest of the second
    line) and the JSON data. Anything else, a truncated or edited entry, is a miss.
    """
    try:
        with path.open("rb") as f:
            header = f.readline(200)
            body = f.read()
    except OSError:
        return None
    parts = header.split()
    if len(parts) != 4 or parts[:3] != [b"termlint-cache", b"1", kind.encode()]:
        return None
    if hashlib.sha256(body).hexdigest().encode() != parts[3]:
        return None
    try:
        return json.loads(body)
    except ValueError:
        return None


def write_cache_entry(path: Path, kind: str, data: Any) -> None:
    """Write a cache entry atomically; any failure is ignored (the cache is an optimisation)."""
    body = json.dumps(data).encode()
    header = f"termlint-cache 1 {kind} {hashlib.sha256(body).hexdigest()}\n".encode()
    with contextlib.suppress(OSError):
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        replace_file(
            path, header + body, temporary=path.with_name(f"{path.name}.{os.getpid()}.tmp")
        )


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


def cached_raw(
    kind: str,
    files: list[Path],
    produce: Callable[[], Any],
    use_cache: bool = True,
    valid: Callable[[Any], bool] | None = None,
) -> tuple[Any, str]:
    """Validated plain data for ``files``, from the cache when their contents are unchanged.

    ``produce`` parses and validates (raising on problems); only its successful, JSON-shaped
    result is cached, so a broken file is reported on every run. The cache holds data only:
    it is read with ``json``, never executed. An entry that is damaged, edited, or fails
    ``valid`` (the shape ``produce`` returns) is a miss, and rebuilt.
    """
    digest = fingerprint(kind, files)
    folder = cache_dir() if use_cache else None
    path = folder / f"{kind}-{digest}.json" if folder else None
    if path is not None:
        data = read_cache_entry(path, kind)
        if data is not None and _valid(valid, data):
            with contextlib.suppress(OSError):
                os.utime(path)  # in use: not pruned (files.cache.prune_cache)
            return data, digest
    raw = produce()
    if path is not None:
        write_cache_entry(path, kind, raw)
    return raw, digest


def _valid(check: Callable[[Any], bool] | None, data: Any) -> bool:
    if check is None:
        return True
    try:
        return bool(check(data))
    except Exception:  # a check that trips over a wrong shape: the shape is wrong
        return False
