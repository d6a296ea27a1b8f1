"""Platform conventions: the cache in the platform's user cache folder (platformdirs), and
worker processes that start without fork (spawn, forkserver) with output identical to fork's
and to a serial run's."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import write

AMBIGUOUS = "# Risks\n\nCould an AI system be scheming right now?\n"


def termlint(*args, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    full = dict(os.environ)
    for key, value in (env or {}).items():
        if value is None:
            full.pop(key, None)
        else:
            full[key] = value
    return subprocess.run(
        [sys.executable, "-m", "termlint", *args],
        cwd=cwd,
        env=full,
        capture_output=True,
        check=False,
        timeout=600,
    )


# -- the cache folder ----------------------------------------------------------------------


def test_cache_is_in_the_platform_user_cache_folder(tmp_path):
    import platformdirs

    home = tmp_path / "home"
    xdg = tmp_path / "xdg-cache"
    home.mkdir()
    write(tmp_path, "docs/a.md", AMBIGUOUS)
    (tmp_path / "docs" / ".termlint.yaml").write_text("{}\n")
    env = {"TERMLINT_CACHE_DIR": None, "HOME": str(home), "XDG_CACHE_HOME": str(xdg)}
    saved = {k: os.environ.get(k) for k in env}
    try:  # where platformdirs says, under the same environment
        for key, value in env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        expected = Path(platformdirs.user_cache_dir("termlint", appauthor=False))
        from termlint.project.datafiles import cache_location

        assert cache_location() == expected
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    proc = termlint("check", "a.md", cwd=tmp_path / "docs", env=env)
    assert proc.returncode == 1, proc.stderr
    assert (expected / "CACHEDIR.TAG").is_file()  # claimed as termlint's, as before
    assert any((expected / "results").rglob("*.json"))  # the file's result is cached there
    assert expected.stat().st_mode & 0o077 == 0
    assert not (home / ".cache").exists()  # and nowhere else


def test_termlint_cache_dir_still_wins(tmp_path):
    chosen = tmp_path / "chosen"
    write(tmp_path, "docs/a.md", AMBIGUOUS)
    (tmp_path / "docs" / ".termlint.yaml").write_text("{}\n")
    env = {"TERMLINT_CACHE_DIR": str(chosen), "XDG_CACHE_HOME": str(tmp_path / "xdg")}
    assert termlint("check", "a.md", cwd=tmp_path / "docs", env=env).returncode == 1
    assert (chosen / "CACHEDIR.TAG").is_file() and not (tmp_path / "xdg").exists()


# -- worker start methods ------------------------------------------------------------------

DOCS = {
    f"posts/{i:02d}-{name}.md": text
    for i, (name, text) in enumerate(
        [
            ("ambiguous", AMBIGUOUS),
            ("clear", "In the eval the model showed in-context scheming.\n"),
            ("ponzi", "A Ponzi scheme is not an AI problem.\n"),
            ("mixed", "Labs fear scheming.\n\nCarlsmith's schemers play the training game.\n"),
            ("bad-utf8", b"Could an AI be scheming \xff?\n"),
            ("none", "No glossary word here.\n"),
        ]
        * 2
    )
}


@pytest.fixture
def posts(tmp_path):
    for name, text in DOCS.items():
        write(tmp_path, name, text)
    (tmp_path / ".termlint.yaml").write_text("{}\n")
    return tmp_path


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_output_under_spawn_is_byte_identical_to_fork_and_serial(posts, tmp_path, fmt):
    import multiprocessing

    methods = [
        m for m in ("fork", "spawn", "forkserver") if m in multiprocessing.get_all_start_methods()
    ]
    assert "spawn" in methods
    args = ("check", "posts", "--format", fmt, "--no-color")
    runs = {
        "serial": termlint(*args, "--jobs", "1", "--no-cache", cwd=posts),
        **{
            m: termlint(*args, "--jobs", "2", "--no-cache", cwd=posts, env={"TERMLINT_MP_START": m})
            for m in methods
        },
        # with the cache: the workers write it, a second spawn run reads it
        "spawn-cached": termlint(
            *args, "--jobs", "2", cwd=posts, env={"TERMLINT_MP_START": "spawn"}
        ),
        "spawn-from-cache": termlint(
            *args, "--jobs", "2", cwd=posts, env={"TERMLINT_MP_START": "spawn"}
        ),
    }
    serial = runs["serial"]
    assert serial.returncode == 2  # the file that is not UTF-8; the others still checked
    assert (
        b"ambiguous-term" in serial.stdout and b"not valid UTF-8" in serial.stdout + serial.stderr
    )
    for name, proc in runs.items():
        assert proc.returncode == serial.returncode, (name, proc.stderr)
        assert proc.stdout == serial.stdout, name
        assert b"Traceback" not in proc.stderr, name


def test_a_start_method_that_does_not_exist_is_a_clear_error(posts):
    proc = termlint(
        "check", "posts", "--jobs", "2", cwd=posts, env={"TERMLINT_MP_START": "teleport"}
    )
    assert proc.returncode == 2
    assert b"TERMLINT_MP_START='teleport' is not a start method here" in proc.stderr
    assert b"Traceback" not in proc.stderr


def test_start_method_defaults(monkeypatch):
    from termlint.files import runner

    monkeypatch.delenv("TERMLINT_MP_START", raising=False)
    monkeypatch.setattr(sys, "platform", "linux")
    assert runner.start_method() == "fork"
    monkeypatch.setattr(sys, "platform", "darwin")  # fork is unsafe there: spawn
    assert runner.start_method() == "spawn"
    monkeypatch.setenv("TERMLINT_MP_START", "forkserver")
    assert runner.start_method() == "forkserver"
