"""One path through the stages: ``check``, ``senses``, ``fix`` and the library's ``lint_paths``
share discovery, reading, the result cache and the worker processes (files/runner.py); one
wording of a read failure (files/source.read_error); one atomic-write helper (files/atomic.py).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import write

AMBIGUOUS = "AI labs should prepare for scheming before the next model ships.\n"
DOCS = {
    f"docs/{n}.md": text
    for n, text in enumerate(
        [
            AMBIGUOUS,
            "In Apollo's evaluations, o1 showed in-context scheming in a few rollouts.\n",
            "No glossary word here.\n",
            "---\ntitle: t\n---\nCarlsmith asks whether a schemer would play along in training.\n",
            "She thinks the office is full of scheming.\n" * 3,
            "AI scheming is a risk. AI models scheme. AI schemers hide.\n",
            "The model was *scheming*, or [sandbagging](https://example.org), the paper says.\n",
            "Deceptive alignment and alignment faking are not the same.\n",
        ]
    )
}


@pytest.fixture
def docs(tmp_path, monkeypatch):
    for name, text in DOCS.items():
        write(tmp_path, name, text)
    cache = tmp_path / "cache"
    monkeypatch.setenv("TERMLINT_CACHE_DIR", str(cache))
    return cache


def cached_results(cache: Path) -> int:
    return sum(1 for p in (cache / "results").rglob("*.json")) if cache.is_dir() else 0


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_senses_uses_the_result_cache_and_prints_the_same(run, docs, fmt):
    cold = run("senses", "--no-cache", "--format", fmt, "docs")
    assert cold.exit_code == 0, cold.output
    assert cached_results(docs) == 0  # --no-cache writes nothing
    first = run("senses", "--format", fmt, "docs")
    assert cached_results(docs) > 0  # senses now fills the cache check reads
    warm = run("senses", "--format", fmt, "docs")
    assert first.output == warm.output == cold.output
    assert "scheming" in cold.output


def test_a_result_senses_cached_serves_fix(run, docs):
    """senses and fix key the cache alike: what one stored, the other reads. (check stores
    results without occurrences, under keys of their own: it reports only diagnostics.)"""
    run("senses", "docs")
    stored = cached_results(docs)
    assert stored > 0
    diff = run("fix", "--sense", "scheming=in-context-scheming", "--diff", "docs")
    assert cached_results(docs) == stored  # nothing linted again, so nothing new stored
    cold = run("fix", "--no-cache", "--sense", "scheming=in-context-scheming", "--diff", "docs")
    assert diff.output == cold.output
    assert "+AI labs should prepare for in-context scheming" in diff.output, diff.output


def test_fix_from_a_cached_result_writes_the_same_bytes(run, docs, tmp_path):
    args = ["fix", "--sense", "scheming=power-motivated-training-gamer", "--how", "declare", "docs"]
    run("senses", "docs")  # cache every file's result first (with occurrences, as fix reads)
    out = run(*args)
    assert out.exit_code == 0, out.output
    written = {p.name: p.read_bytes() for p in (tmp_path / "docs").iterdir()}
    for name, text in DOCS.items():
        write(tmp_path, name, text)
    again = run(*args[:1], "--no-cache", *args[1:])
    assert again.output == out.output
    assert {p.name: p.read_bytes() for p in (tmp_path / "docs").iterdir()} == written
    assert written["0.md"] != DOCS["docs/0.md"].encode()


def test_fix_and_senses_report_a_bad_file_and_go_on(run, docs, tmp_path):
    write(tmp_path, "docs/bad.md", b"caf\xe9 scheming\n")
    for args in (["senses"], ["fix", "--sense", "scheming=in-context-scheming", "--diff"]):
        out = run(*args, "docs")
        assert out.exit_code == 2, out.output
        assert "docs/bad.md:1: not valid UTF-8 (byte 0xe9" in out.output, out.output
        assert "scheming" in out.output.replace("docs/bad.md", "")


def test_library_lint_paths_is_the_runner_path_with_workers_and_cache(
    project, docs, tmp_path, monkeypatch
):
    from termlint.pipeline import lint_paths

    monkeypatch.chdir(tmp_path)

    def summary(results):
        return [
            (
                r.path,
                [(d.rule, d.line, d.column, d.message) for d in r.diagnostics],
                [
                    (o.term_id, r.source.line_col(o.start), o.sense, str(o.status))
                    for o in r.occurrences
                ],
            )
            for r in results
        ]

    serial = summary(lint_paths(["docs"], project))
    assert cached_results(docs) == 0  # the library does not write the cache unless asked
    parallel = summary(lint_paths(["docs"], project, jobs=2))
    cached = summary(lint_paths(["docs"], project, use_cache=True))
    warm = summary(lint_paths(["docs"], project, use_cache=True))
    assert cached_results(docs) > 0
    assert serial == parallel == cached == warm
    assert [path for path, _, _ in serial] == sorted(DOCS)


def test_one_wording_for_a_file_that_cannot_be_read(tmp_path):
    from termlint.errors import TermlintError
    from termlint.files.source import read_bytes, read_source
    from termlint.project.datafiles import read_yaml_file

    with pytest.raises(TermlintError) as doc:
        read_source(tmp_path / "gone.md", "gone.md")
    with pytest.raises(TermlintError) as data:
        read_yaml_file(tmp_path / "gone.yaml")
    assert doc.value.message == data.value.message == "no such file"
    with pytest.raises(TermlintError, match="is a directory, expected a Markdown file"):
        read_bytes(tmp_path)
    if os.geteuid() != 0:  # root reads anything
        locked = write(tmp_path, "locked.md", "x")
        locked.chmod(0)
        with pytest.raises(TermlintError) as exc:
            read_bytes(locked, "locked.md")
        assert (exc.value.path, exc.value.message) == ("locked.md", "permission denied")


def test_replace_file_is_all_or_nothing(tmp_path):
    from termlint.files.atomic import replace_file

    target = write(tmp_path, "a.txt", "old")
    replace_file(target, b"new", durable=True)
    assert target.read_bytes() == b"new"

    def fail(tmp: Path) -> None:
        assert tmp.read_bytes() == b"newer" and tmp.parent == target.parent
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        replace_file(target, b"newer", prepare=fail)
    assert target.read_bytes() == b"new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]  # no temporary left
    named = tmp_path / "a.txt.123.tmp"
    replace_file(target, b"third", temporary=named)
    assert target.read_bytes() == b"third" and not named.exists()


def test_readings_do_not_depend_on_the_hash_seed(tmp_path):
    """Two processes with different string hashing read every use alike, evidence in the same
    order: the words around a use were iterated as a set, so tied evidence came out in either
    order, and the cache or a rerun could disagree with a first run. These labelled items had
    ties (dune-d007 even showed different evidence)."""
    import subprocess
    import sys

    from termlint.evaluation.corpus import load_corpus

    wanted = {"dune-p004", "dune-d003", "dune-d007", "dune-d020"}
    items = [item for item in load_corpus(("dev",)) if item.id in wanted]
    assert items
    for item in items:
        write(tmp_path, f"{item.id}.md", item.text)
    outputs = set()
    for seed in ("1", "2", "3"):
        proc = subprocess.run(
            [sys.executable, "-m", "termlint", "senses", "--no-cache", "--format", "json", "."],
            cwd=tmp_path,
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            check=True,
        )
        outputs.add(proc.stdout)
    assert len(outputs) == 1
