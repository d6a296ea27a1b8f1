"""Many files: worker processes give the same output in the same order; the result cache."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from termlint.cli import main
from termlint.files import cache, runner

TEXTS = [
    "AI labs should prepare for scheming before the next model ships.\n",
    "Given a goal in its system prompt, the model showed in-context scheming.\n",
    "# Notes\n\nNothing to see here.\n",
    "The model may be sandbagging the evaluation. A worst-case schemer colludes.\n",
]


@pytest.fixture
def corpus(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".termlint.yaml").write_text("{}\n")
    for i in range(24):
        (tmp_path / "docs" / f"d{i:02d}.md").parent.mkdir(exist_ok=True)
        text = TEXTS[i % len(TEXTS)] * (1 + i % 3) + f"\nFile number {i}.\n"
        (tmp_path / "docs" / f"d{i:02d}.md").write_text(text)
    (tmp_path / "docs" / "bad.md").write_bytes(b"\xff\xfe\x00broken")
    return tmp_path


def check_json(*args):
    out = CliRunner().invoke(
        main, ["check", "docs", "--format", "json", *args], catch_exceptions=False
    )
    return out.exit_code, out.stdout


def test_parallel_output_is_identical_and_in_order(corpus):
    serial = check_json("--jobs", "1", "--no-cache")
    parallel = check_json("--jobs", "2", "--no-cache")
    assert serial == parallel
    data = json.loads(serial[1])
    paths = [d["path"] for d in data["diagnostics"]]
    # The six files with an unclear use (the others read clearly, so undefined-term is quiet).
    assert paths == sorted(paths) and len(set(paths)) >= 6
    assert serial[0] == 2  # the broken file is reported, the others still checked
    assert any("bad.md" in e["path"] for e in data["errors"])


def test_parallel_text_output_shows_the_same_excerpts(corpus):
    def text(jobs):
        out = CliRunner().invoke(
            main, ["check", "docs", "--jobs", jobs, "--no-cache"], catch_exceptions=False
        )
        return out.exit_code, out.stdout

    serial, parallel = text("1"), text("2")
    assert serial == parallel
    assert "| AI labs should prepare for scheming before the next model ships." in serial[1]


def _record_pid(entry):
    """Stands in for runner._lint_entry in workers; module-level so a pool can call it."""
    import os

    with Path(os.environ["TERMLINT_TEST_PIDS"]).open("a") as f:
        f.write(f"{os.getpid()}\n")
    return _REAL_LINT_ENTRY(entry)


_REAL_LINT_ENTRY = runner._lint_entry


def test_parallel_pool_is_really_used(corpus, monkeypatch):
    import os

    pids = corpus / "pids.txt"
    monkeypatch.setenv("TERMLINT_TEST_PIDS", str(pids))
    monkeypatch.setattr(runner, "_lint_entry", _record_pid)
    from termlint.pipeline import load_project
    from termlint.project.config import Config

    project = load_project(config=Config(root=corpus))
    results = list(runner.run_paths(["docs"], project, jobs=2, use_cache=False))
    assert len(results) == 25
    workers = set(pids.read_text().split())
    assert len(workers) == 2 and str(os.getpid()) not in workers


def _spy_term_files(monkeypatch):
    """Record which files holding a glossary term get linted (others need no cache)."""
    calls = []
    real = runner.lint_source

    def spy(source, project, **options):
        if project.prefilter.search(source.text):
            calls.append(source.path)
        return real(source, project, **options)

    monkeypatch.setattr(runner, "lint_source", spy)
    return calls


def test_unchanged_files_come_from_the_cache(corpus, monkeypatch):
    first = check_json("--jobs", "1")
    calls = _spy_term_files(monkeypatch)
    assert check_json("--jobs", "1") == first
    assert calls == []


def test_an_edited_file_is_linted_again(corpus, monkeypatch):
    check_json("--jobs", "1")
    path = corpus / "docs" / "d00.md"
    path.write_text("A power-motivated schemer plays the training game.\n")
    calls = _spy_term_files(monkeypatch)
    check_json("--jobs", "1")
    assert calls == [str(Path("docs") / "d00.md")]


def test_glossary_edit_invalidates_the_cache(corpus, monkeypatch):
    check_json("--jobs", "1")
    (corpus / "extra").mkdir()
    (corpus / "extra" / "widget.yaml").write_text(
        "id: widget\nterm: widget\nsummary: s\nforms: [widget]\n"
        "senses: [{id: a, label: A, definition: d}]\n"
    )
    (corpus / ".termlint.yaml").write_text("glossary: [extra]\n")
    calls = _spy_term_files(monkeypatch)
    check_json("--jobs", "1")
    assert len(calls) == 18  # every file holding a term is linted again


def test_cache_entries_unused_for_a_month_are_pruned_once_a_day(tmp_path):
    import os

    now = 1_800_000_000.0
    day = 86400
    (tmp_path / "CACHEDIR.TAG").write_text("Signature: 8a477f597d28d172789f06886806bc55\n")
    old_result = tmp_path / "results" / "ab" / f"ab{'1' * 62}.json"
    fresh_result = tmp_path / "results" / "cd" / f"cd{'2' * 62}.json"
    old_glossary = tmp_path / f"glossary-{'0123' * 8}.json"
    for path, age in ((old_result, 40), (fresh_result, 3), (old_glossary, 31)):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("{}")
        os.utime(path, (now - age * day, now - age * day))
    assert cache.prune_cache(tmp_path, now=now) == 2
    assert not old_result.exists() and not old_glossary.exists() and fresh_result.exists()
    # Pruned a moment ago: the next run within a day does not walk the cache again.
    os.utime(fresh_result, (now - 90 * day, now - 90 * day))
    assert cache.prune_cache(tmp_path, now=now + 3600) == 0 and fresh_result.exists()
    assert cache.prune_cache(tmp_path, now=now + 2 * day) == 1 and not fresh_result.exists()


def test_a_cache_hit_counts_as_use(corpus, monkeypatch):
    import os

    monkeypatch.setenv("TERMLINT_CACHE_DIR", str(corpus / "cache"))
    check_json("--jobs", "1")
    entries = list((corpus / "cache" / "results").glob("*/*.json"))
    assert entries
    for path in entries:
        os.utime(path, (0, 0))
    check_json("--jobs", "1")
    assert all(path.stat().st_mtime > 0 for path in entries)


def _sigterm_disposition(_):
    import signal

    return signal.getsignal(signal.SIGTERM) == signal.SIG_DFL


def test_pool_workers_die_on_sigterm_whatever_handler_the_parent_has():
    """``fix`` installs a SIGTERM handler that raises SystemExit; a worker forked after it
    inherited it, and one blocked on the pool's queue lock when the pool ended it with SIGTERM
    never died: the pool's join hung the run (seen in the full suite)."""
    import multiprocessing
    import signal

    def raising(signum, frame):
        raise SystemExit(128 + signum)

    before = signal.signal(signal.SIGTERM, raising)
    try:
        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(2, initializer=runner._worker_init) as pool:
            assert all(pool.map(_sigterm_disposition, range(4)))
    finally:
        signal.signal(signal.SIGTERM, before)
