"""Neovim, headless, as the client of ``termlint lsp``: diagnostics, hover, a code action."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("pygls")

NVIM = shutil.which("nvim")
SCRIPT = Path(__file__).parent / "data" / "nvim_lsp.lua"


@pytest.mark.skipif(
    NVIM is None,
    reason="Neovim is not installed (apt-get install neovim); the Neovim client test is skipped",
)
def test_neovim_gets_diagnostics_hover_and_applies_a_code_action(tmp_path):
    doc = tmp_path / "draft.md"
    doc.write_text("# Notes\n\nLabs should prepare for scheming 🙂 soon.\n", encoding="utf-8")
    out = tmp_path / "out.json"
    env = {
        **os.environ,
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_CONFIG_HOME": str(tmp_path / "cfg"),
        "TERMLINT_LSP_CMD": json.dumps([sys.executable, "-m", "termlint", "lsp"]),
        "TERMLINT_ROOT": str(tmp_path),
        "TERMLINT_DOC": str(doc),
        "TERMLINT_OUT": str(out),
    }
    done = subprocess.run(
        [NVIM, "--headless", "-u", "NONE", "-i", "NONE", "-n", "-c", f"luafile {SCRIPT}"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert out.exists(), done.stderr
    result = json.loads(out.read_text(encoding="utf-8"))
    assert "error" not in result, result.get("error")
    assert done.returncode == 0, done.stderr
    [diag] = result["diagnostics"]
    assert (diag["lnum"], diag["col"], diag["end_col"]) == (2, 24, 32)
    assert diag["source"] == "termlint"
    assert diag["message"].startswith("`scheming` has several senses")
    assert "cannot be told" in result["hover"] and "`worst-case-model`" in result["hover"]
    assert any(t.startswith("Declare “scheming” as") for t in result["titles"])
    assert any(t.startswith("Suppress ambiguous-term") for t in result["titles"])
    assert result["text"] == "# Notes\n\nLabs should prepare for in-context scheming 🙂 soon."
    assert result["cleared"] is True
    assert result["stopped"] is True
