"""Progress on standard error: only on a terminal, only for many files, erased before output."""

from __future__ import annotations

import io
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner
from ptyrun import run_on_a_pty

from termlint.cli import main
from termlint.files.progress import MIN_FILES, Progress


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_only_on_a_terminal_and_for_many_files():
    assert Progress.for_run(io.StringIO(), lambda: 1000).stream is None  # not a terminal
    counted = []
    Progress.for_run(io.StringIO(), lambda: counted.append(1) or 1000)
    assert counted == []  # no counting when nothing would be shown
    assert Progress.for_run(Tty(), lambda: MIN_FILES).stream is None  # too few files
    stream = Tty()
    progress = Progress.for_run(stream, lambda: MIN_FILES + 5)
    for done in range(1, MIN_FILES + 6):
        progress.update(done)
    progress.clear()
    out = stream.getvalue()
    assert out.startswith(f"\rchecked 1/{MIN_FILES + 5} files")
    assert f"\rchecked {MIN_FILES + 5}/{MIN_FILES + 5} files" in out  # the last one is drawn
    assert out.endswith("\r\x1b[K")  # and erased at the end


def test_no_progress_in_captured_output(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".termlint.yaml").write_text("{}\n")
    for i in range(MIN_FILES + 10):
        (tmp_path / f"f{i:02}.md").write_text("Nothing to see.\n")
    out = CliRunner().invoke(main, ["check", "."], catch_exceptions=False)
    assert out.exit_code == 0 and "checked" not in out.stderr and "\r" not in out.output


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_progress_on_a_real_terminal(tmp_path):
    (tmp_path / ".termlint.yaml").write_text("{}\n")
    n = MIN_FILES + 5
    for i in range(n):
        (tmp_path / f"f{i:02}.md").write_text("Nothing to see.\n")
    (tmp_path / "f99.md").write_text(
        "AI labs should prepare for scheming before the next model ships.\n"
    )
    proc, shown = run_on_a_pty(
        [sys.executable, "-m", "termlint", "check", "."],
        stream="stderr",
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        text=True,
        env=dict(os.environ, TERMLINT_CACHE_DIR=str(tmp_path / "c")),
    )
    assert proc.returncode == 1
    assert f"checked 1/{n + 1} files" in shown and shown.endswith("\r\x1b[K")
    assert "checked" not in proc.stdout  # the report on stdout is untouched
    assert "f99.md:1:28: warning [ambiguous-term]" in proc.stdout
