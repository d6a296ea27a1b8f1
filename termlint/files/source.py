"""Reading a document: bytes to text, with a clear error for anything that is not text.

Positions are kept as character offsets into the decoded text (BOM removed); reporters turn
them into 1-based line and column numbers that count characters, not bytes.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import TermlintError
from ..records import SourceText

BOM = "\ufeff"


def _wide_encoding(data: bytes) -> str | None:
    """UTF-32 or UTF-16 text, told by its byte-order mark or by NULs in every other byte."""
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "UTF-32"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16"
    sample = data[:4096]
    half = len(sample) // 2
    if half >= 2:
        even, odd = sample[0 : 2 * half : 2].count(0), sample[1 : 2 * half : 2].count(0)
        if max(even, odd) >= 0.9 * half and min(even, odd) <= 0.1 * half:
            return "UTF-16"  # mostly ASCII text without a byte-order mark
    return None


def decode(data: bytes, path: str) -> SourceText:
    """Decode UTF-8 bytes (optionally with a BOM) or explain why they are not a text file."""
    if b"\x00" in data:
        encoding = _wide_encoding(data)
        if encoding:
            raise TermlintError(
                f"file is {encoding} encoded; termlint reads UTF-8 only "
                f"(convert it with: iconv -f {encoding} -t UTF-8)",
                path,
            )
        raise TermlintError("binary file (contains NUL bytes), not a Markdown document", path)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise TermlintError(
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at byte offset {exc.start}); "
            "termlint reads UTF-8 only",
            path,
            line,
        ) from None
    had_bom = text.startswith(BOM)
    if had_bom:
        text = text[1:]
    newline = "\r\n" if "\r\n" in text[:10000] else "\n"
    return SourceText(path=path, text=text, had_bom=had_bom, newline=newline)


def read_regular(path: Path | str, display: str) -> bytes:
    """The bytes of a regular file. Opened without blocking and checked after opening, so a
    FIFO (which would block forever) or a device (``/dev/zero`` never ends) put where a file
    was is refused, not read. OSError is left to the caller."""
    import os
    import stat

    from .discovery import not_regular_error, special_kind

    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise TermlintError("is a directory, expected a Markdown file", display)
        kind = special_kind(st.st_mode)
        if kind is not None:
            raise not_regular_error(kind, display)
        with os.fdopen(fd, "rb", closefd=True) as f:
            fd = -1
            return f.read()
    finally:
        if fd >= 0:
            os.close(fd)


def read_error(exc: OSError, display: str, expected: str = "a Markdown file") -> TermlintError:
    """The one wording of a failure to read a file, for documents and data files alike."""
    if isinstance(exc, FileNotFoundError):
        return TermlintError("no such file", display)
    if isinstance(exc, PermissionError):
        return TermlintError("permission denied", display)
    if isinstance(exc, IsADirectoryError):
        return TermlintError(f"is a directory, expected {expected}", display)
    return TermlintError(f"cannot read file: {exc.strerror or exc}", display)


def read_bytes(path: Path | str, display: str | None = None) -> bytes:
    """:func:`read_regular`, with every failure a TermlintError naming the file."""
    name = display or str(path)
    try:
        return read_regular(path, name)
    except OSError as exc:
        raise read_error(exc, name) from None


def read_source(path: Path | str, display: str | None = None) -> SourceText:
    """Read and decode one file; every failure is a TermlintError naming the file."""
    name = display or str(path)
    return decode(read_bytes(path, name), name)
