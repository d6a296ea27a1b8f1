"""Hostile input, round two (issue 15): one regression test per defect of the December
reliability report (../shared/reviews/2026-12-reliability.md), named after it.

Most run the real command line in a subprocess, as the report did. Permission cases drop the
DAC-override capabilities with ``setpriv`` when run as root, so file modes really apply.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
AMBIGUOUS = "We think scheming is bad.\n"
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
DROP_CAPS = ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner", "--"]


def can_drop_caps() -> bool:
    return not IS_ROOT or shutil.which("setpriv") is not None


def termlint(
    *args,
    cwd: Path,
    env: dict | None = None,
    input: bytes | None = None,
    drop_caps: bool = False,
    timeout: float = 120,
    stdout=subprocess.PIPE,
):
    """Run ``python -m termlint`` in ``cwd``; returns the CompletedProcess (text decoded)."""
    full_env = {**os.environ, **(env or {})}
    full_env.pop("TERMLINT_NO_CACHE", None)
    full_env = {k: v for k, v in full_env.items() if v is not None}
    cmd = [sys.executable, "-m", "termlint", *args]
    if drop_caps and IS_ROOT:
        cmd = DROP_CAPS + cmd
    proc = subprocess.run(
        cmd,
        cwd=cwd,
        env=full_env,
        input=input,
        stdout=stdout,
        stderr=subprocess.PIPE,
        timeout=timeout,
    )
    proc.out = proc.stdout.decode("utf-8", "replace") if proc.stdout else ""
    proc.err = proc.stderr.decode("utf-8", "replace")
    return proc


def no_traceback(proc) -> None:
    assert "Traceback" not in proc.err, proc.err
    assert "Traceback" not in proc.out, proc.out


@pytest.fixture
def folder(tmp_path):
    """A clean working folder with an empty configuration and its own cache folder."""
    work = tmp_path / "work"
    work.mkdir()
    (work / ".termlint.yaml").write_text("{}\n")
    return work


# -- D1: the cache owns only what it wrote -------------------------------------------------


def test_D1_pruner_never_deletes_files_it_did_not_write(folder):
    old = 40 * 86400
    for name in ("package.json", "tsconfig.json", f"glossary-{'0' * 32}.json"):
        (folder / name).write_text("{}\n")
        t = (folder / name).stat().st_mtime - old
        os.utime(folder / name, (t, t))
    (folder / "small.md").write_text(AMBIGUOUS)
    proc = termlint("check", "small.md", cwd=folder, env={"TERMLINT_CACHE_DIR": "."})
    no_traceback(proc)
    assert proc.returncode == 1 and "small.md:1:10" in proc.out  # the run goes on, uncached
    assert (folder / "package.json").exists() and (folder / "tsconfig.json").exists()
    assert (folder / f"glossary-{'0' * 32}.json").exists()  # not even a name like its own
    assert "did not write" in proc.err and "without the cache" in proc.err
    assert not (folder / "CACHEDIR.TAG").exists()  # nor is the folder claimed


def test_D1_pruner_deletes_only_its_own_names_in_its_own_folder(tmp_path):
    from termlint.files import cache

    now = 1_800_000_000.0
    (tmp_path / "CACHEDIR.TAG").write_text("Signature: 8a477f597d28d172789f06886806bc55\n")
    own = tmp_path / f"rules-{'a' * 32}.json"
    foreign = [
        tmp_path / "notes.json",
        tmp_path / "results" / "ab" / "mine.json",
        tmp_path / "results" / "mine.json",
    ]
    for path in [own, *foreign]:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("{}")
        os.utime(path, (now - 90 * 86400, now - 90 * 86400))
    assert cache.prune_cache(tmp_path, now=now) == 1
    assert not own.exists() and all(p.exists() for p in foreign)
    # An unmarked folder is never pruned at all.
    (tmp_path / "CACHEDIR.TAG").unlink()
    own.write_text("{}")
    os.utime(own, (now - 90 * 86400, now - 90 * 86400))
    (tmp_path / "last-pruned").unlink()
    assert cache.prune_cache(tmp_path, now=now) == 0 and own.exists()


# -- D9: cache entries are validated on read -----------------------------------------------


def _cache_entries(cache: Path, pattern: str) -> list[Path]:
    entries = sorted(cache.glob(pattern))
    assert entries, f"no {pattern} in {sorted(p.name for p in cache.iterdir())}"
    return entries


def _forged(kind: str, data) -> bytes:
    """An entry whose header is right for its body: a forgery only the shape check catches."""
    import hashlib

    body = json.dumps(data).encode()
    return f"termlint-cache 1 {kind} {hashlib.sha256(body).hexdigest()}\n".encode() + body


@pytest.mark.parametrize("content", [b"[]", b"{}", b"null", b'"x"', "forged-empty", "forged-null"])
def test_D9_wrong_shape_rules_cache_is_a_miss(folder, tmp_path, content):
    cache = tmp_path / "cache"
    env = {"TERMLINT_CACHE_DIR": str(cache)}
    (folder / "a.md").write_text(AMBIGUOUS)
    assert termlint("check", "a.md", cwd=folder, env=env).returncode == 1
    if content == "forged-empty":
        content = _forged("rules", [])
    elif content == "forged-null":
        content = _forged("rules", None)
    for entry in _cache_entries(cache, "rules-*.json"):
        entry.write_bytes(content)
    for _ in range(2):  # and it stays right
        proc = termlint("check", "a.md", cwd=folder, env=env)
        no_traceback(proc)
        assert proc.returncode == 1 and "a.md:1:10" in proc.out


@pytest.mark.parametrize("content", [b"[]", b"null", b'"x"', "forged-list", "forged-bogus-fail-on"])
def test_D9_wrong_shape_config_cache_is_a_miss(folder, tmp_path, content):
    cache = tmp_path / "cache"
    env = {"TERMLINT_CACHE_DIR": str(cache)}
    (folder / ".termlint.yaml").write_text("fail_on: warning\n")
    (folder / "a.md").write_text(AMBIGUOUS)
    assert termlint("check", "a.md", cwd=folder, env=env).returncode == 1
    content = {
        "forged-list": _forged("config", []),
        "forged-bogus-fail-on": _forged("config", {"fail_on": "bogus"}),
    }.get(content, content)
    for entry in _cache_entries(cache, "config-*.json"):
        entry.write_bytes(content)
    proc = termlint("check", "a.md", cwd=folder, env=env)
    no_traceback(proc)
    assert proc.returncode == 1 and "a.md:1:10" in proc.out


@pytest.mark.parametrize("edit", ["no-diagnostics", "line-99999", "bogus-severity", "garbage"])
def test_D9_wrong_shape_result_entry_is_a_miss(folder, tmp_path, edit):
    cache = tmp_path / "cache"
    env = {"TERMLINT_CACHE_DIR": str(cache)}
    (folder / "a.md").write_text(AMBIGUOUS)
    first = termlint("check", "a.md", "--format", "json", cwd=folder, env=env)
    assert first.returncode == 1
    for entry in _cache_entries(cache, "results/*/*.json"):
        header, body = entry.read_bytes().split(b"\n", 1)
        data = json.loads(body)
        if edit == "no-diagnostics":
            data["diagnostics"] = []
            new = header + b"\n" + json.dumps(data).encode()  # edited: the digest is stale
        elif edit == "line-99999":
            data["diagnostics"][0]["line"] = 99999
            new = _forged("result", data)
        elif edit == "bogus-severity":
            data["diagnostics"][0]["severity"] = "bogus"
            new = _forged("result", data)
        else:
            new = b'{"diagnostics": []}'
        entry.write_bytes(new)
    proc = termlint("check", "a.md", "--format", "json", cwd=folder, env=env)
    no_traceback(proc)
    assert proc.returncode == 1 and proc.out == first.out


# -- D10: an unusable cache folder is a warning --------------------------------------------


@pytest.mark.skipif(not can_drop_caps(), reason="needs setpriv to drop root's DAC override")
@pytest.mark.parametrize("mode", [0o000, 0o600, 0o500])
def test_D10_unsearchable_cache_folder_is_a_warning_not_a_crash(folder, tmp_path, mode):
    cache = tmp_path / "cache"
    env = {"TERMLINT_CACHE_DIR": str(cache)}
    (folder / "a.md").write_text(AMBIGUOUS)
    assert termlint("check", "a.md", cwd=folder, env=env).returncode == 1
    cache.chmod(mode)
    try:
        for args in (("check", "a.md"), ("glossary", "list"), ("rules", "list")):
            proc = termlint(*args, cwd=folder, env=env, drop_caps=True)
            no_traceback(proc)
            assert proc.returncode == (1 if args[0] == "check" else 0), proc.err
            assert "without the cache" in proc.err
            assert proc.err.count("warning") == 1
    finally:
        cache.chmod(0o700)


# -- D20: cache location edge cases --------------------------------------------------------


def test_D20_relative_xdg_cache_home_is_ignored_and_cache_is_private(folder, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (folder / "a.md").write_text(AMBIGUOUS)
    env = {"TERMLINT_CACHE_DIR": None, "XDG_CACHE_HOME": "rel-cache", "HOME": str(home)}
    full = {k: v for k, v in os.environ.items() if k != "TERMLINT_CACHE_DIR"}
    full.update({k: v for k, v in env.items() if v is not None})
    proc = subprocess.run(
        [sys.executable, "-m", "termlint", "check", "a.md"],
        cwd=folder,
        env=full,
        capture_output=True,
    )
    assert proc.returncode == 1, proc.stderr
    assert not (folder / "rel-cache").exists()
    cache = home / ".cache" / "termlint"
    assert (cache / "CACHEDIR.TAG").is_file()
    assert cache.stat().st_mode & 0o077 == 0  # findings are not world-readable


def test_D20_missing_home_is_not_created(folder, tmp_path):
    (folder / "a.md").write_text(AMBIGUOUS)
    ghost = tmp_path / "nonexistent" / "x"
    full = {
        k: v for k, v in os.environ.items() if k not in ("TERMLINT_CACHE_DIR", "XDG_CACHE_HOME")
    }
    full["HOME"] = str(ghost)
    proc = subprocess.run(
        [sys.executable, "-m", "termlint", "check", "a.md"],
        cwd=folder,
        env=full,
        capture_output=True,
    )
    assert proc.returncode == 1, proc.stderr
    assert b"Traceback" not in proc.stderr
    assert not (tmp_path / "nonexistent").exists()


# -- D2: no input is expanded beyond a fixed budget ----------------------------------------


def alias_bomb(depth: int, use: str = "termlint: {senses: {scheming: *%s}}") -> str:
    names = "abcdefghijklmnop"[:depth]
    lines = [f"{names[0]}: &{names[0]} [lol,lol,lol,lol,lol,lol,lol,lol,lol]"]
    for prev, name in itertools.pairwise(names):
        lines.append(f"{name}: &{name} [{','.join(['*' + prev] * 9)}]")
    return (
        "---\n" + "\n".join(lines) + "\n" + (use % names[-1]) + "\n---\nWe think scheming is bad.\n"
    )


@pytest.mark.parametrize("depth", [7, 9, 12])
def test_D2_alias_bomb_in_front_matter_is_refused_quickly(lint_error, depth):
    import time

    start = time.perf_counter()
    error = lint_error(alias_bomb(depth))
    assert time.perf_counter() - start < 5
    assert "aliases expand to more than" in error.message
    assert len(str(error)) < 300


def test_D2_alias_bomb_in_an_unused_key_is_refused_too(lint_error):
    error = lint_error(alias_bomb(8, use="unused: *%s"))
    assert "aliases expand" in error.message


def test_D2_a_few_aliases_are_still_fine_and_a_list_sense_is_a_short_error(lint, lint_error):
    ok = lint("---\nbase: &b {x: 1}\nother: *b\n---\nWe think scheming is bad.\n")
    assert [d.rule for d in ok.diagnostics] == ["ambiguous-term"]
    error = lint_error(
        "---\nl: &l [" + ",".join(["worst-case-model"] * 500) + "]\n"
        "termlint: {senses: {scheming: *l}}\n---\nWe think scheming is bad.\n"
    )
    assert "must be a sense id" in error.message and len(error.message) < 300
    assert error.line == 3


def test_D2_messages_quoting_user_data_are_truncated(lint_error):
    huge = "x" * 100_000
    error = lint_error(
        f"---\ntermlint: {{senses: {{scheming: {huge}}}}}\n---\nWe think scheming is bad.\n"
    )
    assert len(str(error)) <= 1100
    error = lint_error(f"---\ntermlint: {{senses: {{{huge}: a}}}}\n---\nWe think scheming.\n")
    assert len(str(error)) <= 1100


@pytest.fixture
def lint_error(project):
    from termlint.pipeline import lint_text

    def run(text: str):
        result = lint_text(text, "doc.md", project)
        assert result.error is not None, [d.rule for d in result.diagnostics]
        return result.error

    return run


# -- D4: suppressions indexed by line ------------------------------------------------------


def _diag(line: int, rule: str = "ambiguous-term", code: str = "TL201"):
    from termlint.model import Diagnostic

    return Diagnostic(
        "d.md", 0, 1, line, 1, line, 2, rule, "warning", "m", "scheming", "scheming", code=code
    )


def _suppression(kind: str, first: int, last: int, rules=("ambiguous-term",)):
    from termlint.model import Directive, Suppression

    return Suppression(Directive(kind, tuple(rules), "", 0, 1, first), first, last)


def test_D4_suppression_matching_is_one_sweep_not_every_pair(monkeypatch):
    from termlint.model import Suppression
    from termlint.rules.suppress import apply_suppressions

    calls = []
    real = Suppression.hides
    monkeypatch.setattr(Suppression, "hides", lambda self, d: calls.append(1) or real(self, d))
    n = 3000
    diagnostics = [_diag(2 * i + 2) for i in range(n)] + [
        _diag(2 * i + 2, "other", "") for i in range(n)
    ]
    ranges = [_suppression("disable-next-line", 2 * i + 2, 2 * i + 2) for i in range(n)]
    kept = apply_suppressions(diagnostics, ranges)
    assert len(calls) <= 10 * n  # was n * 2n = 18 million
    assert [d.rule for d in kept] == ["other"] * n and all(s.used for s in ranges)


def test_D4_sweep_agrees_with_every_pair_on_random_cases():
    import random

    from termlint.rules.suppress import apply_suppressions

    rng = random.Random(15)
    for _ in range(300):
        diagnostics = [
            _diag(
                rng.randint(1, 30),
                *rng.choice([("ambiguous-term", "TL201"), ("undefined-term", "TL301"), ("x", "")]),
            )
            for _ in range(rng.randint(0, 12))
        ]

        def make():
            out = []
            for _ in range(rng.randint(0, 6)):
                first = rng.randint(1, 30)
                rules = rng.choice(
                    [(), ("ambiguous-term",), ("TL301",), ("ambiguous-term", "undefined-term")]
                )
                out.append((first, rng.choice([first, first + rng.randint(0, 10), 10**9]), rules))
            return out

        spec = make()
        swept = [_suppression("disable", f, last, rules) for f, last, rules in spec]
        pairs = [_suppression("disable", f, last, rules) for f, last, rules in spec]
        kept = apply_suppressions(list(diagnostics), swept)
        expected = []
        for d in diagnostics:
            hiders = [s for s in pairs if s.hides(d)]
            for s in hiders:
                s.used = True
            if not hiders:
                expected.append(d)
        assert kept == expected
        assert [s.used for s in swept] == [s.used for s in pairs]


# -- D5: JSON and SARIF written as the files finish ----------------------------------------


def _results(project, n_files: int, per_file: int):
    from termlint.pipeline import lint_text

    text = "".join(f"Section {i}: we think scheming is bad.\n\n" for i in range(per_file))
    base = lint_text(text, "f0.md", project, group="use")  # many findings: one per use
    assert len(base.diagnostics) >= per_file
    for i in range(n_files):
        for d in base.diagnostics:
            d.path = f"dir/f{i}.md"
        yield base


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_D5_json_and_sarif_memory_does_not_grow_with_findings(project, fmt):
    import io
    import tracemalloc

    from termlint.model import Summary
    from termlint.reporters import reporter_class

    out = io.StringIO()
    reporter = reporter_class(fmt)(out, project=project)
    results = _results(project, 60, 50)
    reporter.file(next(results))
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for result in results:
        reporter.file(result)
        out.seek(0)
        out.truncate()  # what went to the stream is gone, as on a pipe
    grown = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    assert grown < 1_000_000, grown  # ~3,000 findings held in memory were several MB
    reporter.finish(Summary())


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_D5_streamed_output_is_byte_identical_to_one_dump(project, fmt):
    import io

    from termlint.errors import TermlintError
    from termlint.model import FileResult, Summary
    from termlint.reporters import reporter_class

    for n_files in (0, 1, 3):
        out = io.StringIO()
        reporter = reporter_class(fmt)(out, project=project)
        for result in _results(project, n_files, 2):
            reporter.file(result)
        if n_files == 3:
            reporter.file(FileResult("bad.md", error=TermlintError("no such file", "bad.md")))
        reporter.file(FileResult("clean.md"))
        reporter.finish(Summary(files=n_files + 1))
        text = out.getvalue()
        assert text == json.dumps(json.loads(text), indent=2, ensure_ascii=False) + "\n"
        data = json.loads(text)
        found = data["diagnostics"] if fmt == "json" else data["runs"][0]["results"]
        assert len(found) >= 2 * n_files


# -- D6, D7, D8, D18, D21: walking folders -------------------------------------------------


@pytest.mark.skipif(not can_drop_caps(), reason="needs setpriv to drop root's DAC override")
@pytest.mark.parametrize("mode", [0o000, 0o311])
def test_D6_unreadable_folder_is_reported_and_fails(folder, mode):
    secret = folder / "t" / "secret"
    secret.mkdir(parents=True)
    (secret / "small.md").write_text(AMBIGUOUS)
    (folder / "t" / "ok.md").write_text("Nothing to see.\n")
    secret.chmod(mode)
    try:
        proc = termlint("check", "t", cwd=folder, drop_caps=True)
    finally:
        secret.chmod(0o755)
    no_traceback(proc)
    assert proc.returncode == 2
    assert "t/secret: cannot read folder: permission denied" in proc.out + proc.err


def test_D6_unreadable_folder_simulated(run, tmp_path, monkeypatch):
    (tmp_path / "t" / "secret").mkdir(parents=True)
    (tmp_path / "t" / "secret" / "small.md").write_text(AMBIGUOUS)
    real = os.scandir

    def scandir(path="."):
        if str(path).endswith("secret"):
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    out = run("check", "t")
    assert out.exit_code == 2 and "t/secret: cannot read folder: permission denied" in out.output


def test_D7_force_exclude_applies_exclude_to_named_files(run, tmp_path):
    (tmp_path / ".termlint.yaml").write_text('exclude: ["archive/**", "./old/*.md"]\n')
    for name in ("archive/a.md", "old/b.md", "new/c.md"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(AMBIGUOUS)
    named = run("check", "archive/a.md", "old/b.md", "new/c.md", "--force-exclude")
    assert named.exit_code == 1
    assert (
        "new/c.md:1:10" in named.output
        and "archive" not in named.output
        and "old/b.md" not in named.output
    )
    walked = run("check", ".")  # ./old/*.md matches too now
    assert "new/c.md" in walked.output and "old/b.md" not in walked.output
    assert run("check", "archive/a.md").exit_code == 1  # named, without the switch: checked
    hook = (ROOT / ".pre-commit-hooks.yaml").read_text()
    assert "entry: termlint check --force-exclude" in hook


def test_D8_fifo_in_a_folder_is_skipped_and_devices_are_refused(folder):
    (folder / "t").mkdir()
    (folder / "t" / "a.md").write_text(AMBIGUOUS)
    os.mkfifo(folder / "t" / "p.md")
    proc = termlint("check", "t", cwd=folder, timeout=60)
    no_traceback(proc)
    assert proc.returncode == 1 and "t/a.md:1:10" in proc.out and "p.md" not in proc.out
    for name in ("/dev/zero", "t/p.md"):
        proc = termlint("check", name, cwd=folder, timeout=60)
        no_traceback(proc)
        assert proc.returncode == 2
        assert f"{name}: is a" in proc.out + proc.err and "not a regular file" in proc.out


def test_D8_a_fifo_put_where_a_file_was_is_not_opened_blocking(tmp_path):
    from termlint.errors import TermlintError
    from termlint.files.source import read_regular

    os.mkfifo(tmp_path / "p.md")
    with pytest.raises(TermlintError, match="named pipe"):
        read_regular(tmp_path / "p.md", "p.md")


def test_D18_very_deep_folders_and_a_deleted_working_folder(folder, tmp_path):
    path = folder / "deep"
    path.mkdir()
    for _ in range(1100):  # os.makedirs itself recurses too deeply for this
        path = path / "d"
        path.mkdir()
    (path / "a.md").write_text(AMBIGUOUS)
    try:
        proc = termlint("check", "deep", "-q", cwd=folder)
    finally:  # shutil.rmtree (pytest's clean-up) recurses too deeply for this too
        (path / "a.md").unlink()
        while path != folder:
            path.rmdir()
            path = path.parent
    no_traceback(proc)
    assert proc.returncode == 1 and "a.md:1:10" in proc.out
    gone = tmp_path / "gone"
    gone.mkdir()
    proc = subprocess.run(
        f"cd {gone} && rmdir {gone} && {sys.executable} -m termlint check",
        shell=True,
        capture_output=True,
        text=True,
        env={**os.environ},
    )
    assert "Traceback" not in proc.stderr
    assert proc.returncode == 2 and "working folder no longer exists" in proc.stderr


def test_D21_folder_with_no_markdown_says_so(run, tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.txt").write_text("x")
    out = run("check", "empty")
    assert out.exit_code == 0 and "no Markdown files (*.md, *.markdown) in empty" in out.output


# -- D11: CR-only line endings -------------------------------------------------------------


@pytest.mark.parametrize("newline", ["\r", "\r\n", "\n", "mixed"])
def test_D11_cr_only_line_endings_keep_every_finding(lint, newline):
    paras = ["We think scheming is bad."] * 4
    if newline == "mixed":
        text = (
            "We think scheming is bad.\r\rWe think scheming is bad.\n\nWe think scheming "
            "is bad.\r\n\r\nWe think scheming is bad.\r\r"
        )
    else:
        text = (newline * 2).join(paras) + newline * 2
    result = lint(text)
    [d] = [d for d in result.diagnostics if d.rule == "ambiguous-term"]  # one, listing the rest
    found = [(d.line, d.column)] + [(r.line, r.column) for r in d.related]
    assert found == [(1, 10), (3, 10), (5, 10), (7, 10)]
    assert all(result.source.line_text(line) == paras[0] for line, _ in found)


# -- D12, D17: fix writes ------------------------------------------------------------------

FIX = ("fix", "--sense", "scheming=worst-case-model")


def test_D12_fix_refuses_a_read_only_file(run, tmp_path):
    draft = tmp_path / "a.md"
    draft.write_text(AMBIGUOUS)
    draft.chmod(0o444)
    out = run(*FIX, "a.md")
    assert out.exit_code == 2 and "a.md: file is read-only; nothing written" in out.output
    assert draft.read_text() == AMBIGUOUS and draft.stat().st_mode & 0o777 == 0o444


def test_D12_fix_keeps_hard_links(run, tmp_path):
    draft = tmp_path / "a.md"
    draft.write_text(AMBIGUOUS)
    os.link(draft, tmp_path / "b.md")
    inode = draft.stat().st_ino
    out = run(*FIX, "a.md")
    assert out.exit_code == 0, out.output
    assert draft.stat().st_ino == inode and draft.stat().st_nlink == 2
    assert (tmp_path / "b.md").read_text() == draft.read_text() != AMBIGUOUS
    assert not list(tmp_path.glob(".*.termlint.tmp"))


def test_D12_fix_keeps_extended_attributes(run, tmp_path):
    draft = tmp_path / "a.md"
    draft.write_text(AMBIGUOUS)
    try:
        os.setxattr(draft, "user.termlint-test", b"kept")
    except (OSError, AttributeError):
        pytest.skip("no user xattrs on this file system")
    assert run(*FIX, "a.md").exit_code == 0
    assert draft.read_text() != AMBIGUOUS
    assert os.getxattr(draft, "user.termlint-test") == b"kept"


def test_D17_leftover_temp_files_of_a_killed_fix_are_cleaned_up(run, tmp_path):
    draft = tmp_path / "a.md"
    draft.write_text(AMBIGUOUS)
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    ).stdout.strip()
    stale = tmp_path / f".a.md.{dead}.k2j4_x9q.termlint.tmp"
    stale.write_text("half")
    legacy_old = tmp_path / ".a.md.abcd1234.termlint.tmp"  # not this module's current name
    legacy_old.write_text("x")
    other = tmp_path / ".b.md.1.abcdefgh.termlint.tmp"
    other.write_text("x")
    mine = tmp_path / f".a.md.{os.getpid()}.zzzzzzzz.termlint.tmp"
    mine.write_text("a live writer's")
    assert run(*FIX, "a.md").exit_code == 0
    assert not stale.exists() and mine.exists() and other.exists() and legacy_old.exists()


def test_D17_sigterm_during_fix_leaves_no_temp_file(folder):
    import signal
    import time

    draft = folder / "big.md"
    draft.write_text("We think scheming is bad.\n\n" * 4000)
    before = draft.read_bytes()
    env = {**os.environ, "TERMLINT_NO_CACHE": "1"}
    for delay in (1.0, 2.5, 4.0):
        proc = subprocess.Popen(
            [sys.executable, "-m", "termlint", *FIX, "big.md"],
            cwd=folder,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        time.sleep(delay)
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=120)
        assert b"Traceback" not in err
        assert not list(folder.glob(".*.termlint.tmp"))
        assert draft.read_bytes() in (before, draft.read_bytes())
        if draft.read_bytes() != before:
            break


def test_D17_ctrl_c_exits_130(folder):
    import signal
    import time

    (folder / "big.md").write_text("We should worry that scheming will emerge.\n\n" * 20000)
    for args in (["check", "big.md"], ["check", ".", "-j2"]):
        proc = subprocess.Popen(
            [sys.executable, "-m", "termlint", *args],
            cwd=folder,
            env={**os.environ, "TERMLINT_NO_CACHE": "1"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        time.sleep(2.5)
        os.killpg(proc.pid, signal.SIGINT)
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 130, err
        assert b"Traceback" not in err and b"ForkPoolWorker" not in err
        assert b"termlint: interrupted" in err


# -- D13: closed or full standard output ---------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("check", "clean.md"),
        ("check", "a.md"),
        ("senses", "a.md"),
        ("glossary", "list"),
        ("check", "a.md", "--format", "json"),
    ],
)
def test_D13_closed_or_full_stdout_is_exit_2_with_one_line(folder, args):
    (folder / "clean.md").write_text("Nothing here.\n")
    (folder / "a.md").write_text(AMBIGUOUS)
    # (not preexec_fn: Python code between fork and exec can deadlock a threaded pytest)
    closed = subprocess.run(
        ["sh", "-c", 'exec "$@" >&-', "sh", sys.executable, "-m", "termlint", *args],
        cwd=folder,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert closed.returncode == 2 and "Traceback" not in closed.stderr
    assert (
        closed.stderr.strip().splitlines()[-1]
        == "termlint: standard output is closed; nothing can be reported"
    )
    with Path("/dev/full").open("w") as full:
        proc = subprocess.run(
            [sys.executable, "-m", "termlint", *args],
            cwd=folder,
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
        )
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert (
        proc.stderr.strip().splitlines()[-1]
        == "termlint: cannot write the output: No space left on device"
    )


# -- D15, D21: what the text output prints is shown, never obeyed --------------------------


@pytest.mark.parametrize("color", ["--color", "--no-color"])
def test_D15_terminal_control_characters_in_excerpts_are_escaped(run, tmp_path, color):
    (tmp_path / "esc.md").write_text(
        "We worry \x1b]0;PWNED\x07 that \x1b[2J\x9b scheming is bad.\n"
    )
    out = run("check", "esc.md", color)
    assert out.exit_code == 1
    assert "]0;PWNED" in out.output and "\x07" not in out.output and "\x9b" not in out.output
    assert "\\x1b]0;PWNED\\x07" in out.output and "\\x1b[2J\\x9b" in out.output
    if color == "--no-color":
        assert "\x1b" not in out.output
        lines = out.output.splitlines()
        excerpt = next(i for i, line in enumerate(lines) if "PWNED" in line and "|" in line)
        assert lines[excerpt + 1].index("^") == lines[excerpt].index("scheming")
    else:  # only termlint's own colour codes: ESC followed by [ and digits, then m
        import re

        assert not re.findall(r"\x1b(?!\[[0-9;]*m)", out.output)


def test_D21_file_name_with_a_newline_is_printed_escaped(run, tmp_path):
    (tmp_path / "a\nb.md").write_text(AMBIGUOUS)
    out = run("check", ".", "-q")
    assert "a\\x0ab.md:1:10: warning" in out.output
    assert all(line.startswith(("a\\x0ab.md", "Found")) for line in out.output.splitlines())


# -- D14: glossary build -------------------------------------------------------------------


def test_D14_site_build_never_writes_through_symlinks_out_of_out(run, tmp_path):
    out = tmp_path / "site"
    out.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("mine")
    (out / "style.css").symlink_to("../victim.txt")
    (out / "notes.txt").write_text("kept")
    result = run("glossary", "build", "--out", "site")
    assert result.exit_code == 0, result.output
    assert victim.read_text() == "mine"
    assert not (out / "style.css").is_symlink() and (out / "style.css").stat().st_size > 100
    assert (out / "notes.txt").read_text() == "kept"
    assert not list(out.glob(".termlint-build-*"))
    (tmp_path / "elsewhere").mkdir()
    import shutil

    shutil.rmtree(out / "rules")
    (out / "rules").symlink_to(tmp_path / "elsewhere")
    result = run("glossary", "build", "--out", "site")
    assert result.exit_code == 2 and "symbolic link" in result.output
    assert not list((tmp_path / "elsewhere").iterdir())


@pytest.mark.parametrize("case", ["file", "dir-at-page", "unwritable"])
def test_D14_site_build_failures_are_one_line_and_leave_the_old_site(run, tmp_path, case):
    out = tmp_path / "site"
    assert run("glossary", "build", "--out", "site").exit_code == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    if case == "file":
        import shutil

        shutil.rmtree(out)
        out.write_text("a file")
        result = run("glossary", "build", "--out", "site")
        assert result.exit_code == 2 and "--out is a file, not a folder" in result.output
        assert out.read_text() == "a file"
        return
    if case == "dir-at-page":
        (out / "scheming.html").unlink()
        (out / "scheming.html").mkdir()
        del before[out / "scheming.html"]
        result = run("glossary", "build", "--out", "site")
        assert result.exit_code == 2 and "a folder is where a page" in result.output
    else:
        if not can_drop_caps():
            pytest.skip("needs setpriv to drop root's DAC override")
        out.chmod(0o555)
        try:
            proc = termlint("glossary", "build", "--out", "site", cwd=tmp_path, drop_caps=True)
        finally:
            out.chmod(0o755)
        no_traceback(proc)
        assert proc.returncode == 2 and "cannot build the site: Permission denied" in proc.err
    after = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before  # the old site whole, nothing half-written


# -- D22: --jobs capped --------------------------------------------------------------------


def test_D22_jobs_is_capped_at_the_cores_with_a_message(run, tmp_path, monkeypatch):
    import termlint.files.runner as runner

    seen = []
    real = runner.run_paths

    def spy(*args, **kw):
        seen.append(kw["jobs"])
        return real(*args, **kw)

    monkeypatch.setattr(runner, "run_paths", spy)
    (tmp_path / "a.md").write_text(AMBIGUOUS)
    out = run("check", "a.md", "--jobs", "1000")
    cores = runner.default_jobs()
    assert out.exit_code == 1 and seen == [cores]
    assert f"note: --jobs 1000 is more than the {cores} core" in out.output
    assert f"using {cores}" in out.output


# -- D16: evaluate on broken items ---------------------------------------------------------

_ITEM = (
    "- {id: a, split: dev, text: 'We think scheming is bad.', expect: [{term: scheming, "
    "label: ambiguous}]}\n"
)


@pytest.mark.parametrize(
    "item, message",
    [
        ("- {split: dev, text: 'x', expect: []}\n", "needs an 'id'"),
        (
            "- {id: a, split: dev, text: 'x', expect: [{term: scheming, label: [x]}]}\n",
            "'label' must be a name, got a list",
        ),
        (
            "- {id: a, split: dev, text: 'x', expect: [{term: scheming, label: {a: b}}]}\n",
            "'label' must be a name, got a mapping",
        ),
        (
            "- {id: a, split: dev, text: 'x', expect: [{term: [x], label: ambiguous}]}\n",
            "'term' must be a name, got a list",
        ),
        ("- {id: a, split: [dev], text: 'x', expect: []}\n", "'split' must be a name"),
        (
            "- {id: a, split: dev, text: 'x', expect: [{term: nosuchterm, label: ambiguous}]}\n",
            "unknown term 'nosuchterm'",
        ),
        (
            "- {id: a, split: dev, text: 'x', expect: [{term: scheming, label: plotting}]}\n",
            "'plotting' is not a sense of 'scheming'",
        ),
    ],
)
def test_D16_evaluate_broken_items_are_input_errors(run, tmp_path, item, message):
    (tmp_path / "set").mkdir()
    (tmp_path / "set" / "items.yaml").write_text(item)
    out = run("evaluate", "set", "--split", "dev")
    assert out.exit_code == 2, out.output
    assert message in out.output and "set/items.yaml:1:" in out.output
    assert "Line" not in out.output


def test_D16_evaluate_mixed_split_types_lists_the_splits(run, tmp_path):
    (tmp_path / "set").mkdir()
    (tmp_path / "set" / "items.yaml").write_text(
        _ITEM.replace("split: dev", "split: 1") + _ITEM.replace("split: dev", "split: x")
    )
    out = run("evaluate", "set", "--split", "dev")
    assert out.exit_code == 2 and "the splits in set: 1, x" in out.output
    assert run("evaluate", "set", "--split", "1").exit_code == 0


# -- D19: glossary and configuration validation gaps ---------------------------------------

_TERM = """id: {id}
term: {id}
summary: s
forms: [{forms}]
features: [{features}]
senses:
  - {{id: a, label: A, definition: d{a}}}
  - {{id: b, label: B, definition: d{b}}}
"""


@pytest.mark.parametrize(
    "case, fields, message",
    [
        ("self", {"a": ", broader: a"}, "sense 'a' of 'extra' is broader than itself (a -> a)"),
        (
            "cycle",
            {"a": ", broader: b", "b": ", broader: a"},
            "is broader than itself (a -> b -> a)",
        ),
        (
            "features",
            {"features": "{id: f, label: F}, {id: f, label: G}"},
            "feature id 'f' appears twice",
        ),
        ("punctuation", {"forms": "extra, '*'"}, "form '*' of 'extra' has no letter or digit"),
        (
            "shadow",
            {"forms": "extra, Scheming"},
            "form 'Scheming' of 'extra' is already a form of 'scheming'",
        ),
    ],
)
def test_D19_glossary_check_refuses_cycles_duplicates_and_dead_forms(
    run, tmp_path, case, fields, message
):
    values = {"id": "extra", "forms": "extra", "features": "", "a": "", "b": ""} | fields
    (tmp_path / "g").mkdir()
    (tmp_path / "g" / "extra.yaml").write_text(_TERM.format(**values))
    folders = ["g"] if case != "shadow" else [str(ROOT / "glossary"), "g"]
    out = run("glossary", "check", *folders)
    assert out.exit_code == 2 and message in out.output, out.output
    (tmp_path / ".termlint.yaml").write_text("glossary: [g]\n")
    out = run("check", "x.md")  # the same problem stops a check too
    assert out.exit_code == 2 and message in out.output


def test_D19_unknown_rule_options_and_loader_class_names(run, tmp_path):
    marker = tmp_path / "ran"
    payload = f"__import__('os').system('touch {marker}')"
    (tmp_path / ".termlint.yaml").write_text(
        f'rule_options: {{ambiguous-term: {{hook: "{payload}"}}}}\n'
    )
    (tmp_path / "a.md").write_text(AMBIGUOUS)
    out = run("check", "a.md")
    assert out.exit_code == 2 and not marker.exists()
    assert (
        "rule_options: 'hook' is not an option of rule 'ambiguous-term' (its options: none)"
        in out.output
    )
    (tmp_path / ".termlint.yaml").write_text("rule_options: {undefined-term: {min_usess: 2}}\n")
    out = run("check", "a.md")
    assert out.exit_code == 2 and "(its options: min_uses)" in out.output
    (tmp_path / ".termlint.yaml").write_text("exclude: {a: b}\n")
    out = run("check", "a.md")
    assert out.exit_code == 2 and "expected array, got object" in out.output
    assert "LineDict" not in out.output and "LineList" not in out.output


# -- D23: front-matter and comment edge cases ----------------------------------------------


def test_D23_null_senses_is_no_declaration_like_null_termlint(lint):
    for fm in ("termlint:\n", "termlint:\n  senses:\n"):
        result = lint(f"---\n{fm}---\nWe think scheming is bad.\n")
        assert [d.rule for d in result.diagnostics] == ["ambiguous-term"]


def test_D23_unclosed_html_comment_is_an_error_not_a_silent_pass(lint_error, lint):
    error = lint_error("Intro.\n\n<!-- draft notes\n\nWe think scheming is bad.\n")
    assert error.line == 3 and "never closed" in error.message
    ok = lint("Intro.\n\n<!-- closed -->\n\nWe think scheming is bad.\n\n```\n<!--\n```\n")
    assert [d.rule for d in ok.diagnostics] == ["ambiguous-term"]
