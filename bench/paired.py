"""Before and after, in paired rounds: two checkouts against the markdown-it floor (issue 16).

    git worktree add --detach /tmp/perf-base <base commit>
    python bench/paired.py /tmp/perf-base --words 300000 --rounds 3

On both corpora (bench/corpus.py, the project's, and bench/dense_corpus.py, dense in terms),
each round runs, one right after the other: the markdown-it-py full parse of the same files (the
floor), then each checkout's ``termlint check --format json`` with one job and with
``--jobs auto`` (no result cache; the glossary cache warm). The ratios are taken within each
round and the medians reported, so load from other work on the machine cancels out as far as it
can. Also measured, paired the same way: cold starts (a file with no term, a 10k-word draft,
``python -c "import spacy"``) and peak memory of each output format on the dense corpus.
CPU is the child's user + system time (its worker processes included).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PY = sys.executable
FLOOR = """
import sys, pathlib
from markdown_it import MarkdownIt
md = MarkdownIt("commonmark").enable("table")
for p in sorted(pathlib.Path(sys.argv[1]).glob("*.md")):
    md.parse(p.read_text(encoding="utf-8"))
"""
TERMLINT = (
    "import sys; root = sys.argv.pop(1); sys.path.insert(0, root); "
    "from termlint.cli import run; sys.argv[0] = 'termlint'; run()"
)


def _module(name: str):
    spec = importlib.util.spec_from_file_location(f"termlint_bench_{name}", HERE / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def measure(cmd: list[str], env: dict, cwd: Path) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak RSS (MiB) of one child."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=cwd
    )
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise RuntimeError(f"{' '.join(cmd[:4])}… exited {code}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base", type=Path)
    parser.add_argument("new", type=Path, nargs="?", default=HERE.parent)
    parser.add_argument("--words", type=int, default=300_000)
    parser.add_argument("--rounds", type=int, default=3)
    opts = parser.parse_args()
    roots = {"before": opts.base.resolve(), "after": opts.new.resolve()}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / ".termlint.yaml").write_text("{}\n")
        corpora = {
            "project corpus": _module("corpus").write_corpus(work / "corpus", opts.words),
            "dense corpus": _module("dense_corpus").write_corpus(work / "dense", opts.words),
        }
        env = {
            name: dict(
                os.environ, TERMLINT_CACHE_DIR=str(work / f"cache-{name}"), PYTHONHASHSEED="0"
            )
            for name in roots
        }

        def tl(name, *args):
            # no result from an earlier run: the validated glossary stays cached, results not
            shutil.rmtree(Path(env[name]["TERMLINT_CACHE_DIR"], "results"), ignore_errors=True)
            return [PY, "-c", TERMLINT, str(roots[name]), *args]

        for name in roots:  # warm the glossary cache and the page cache
            measure(tl(name, "check", "-q", str(work / "dense")), env[name], work)
        print(f"{opts.words:,} words per corpus, {opts.rounds} paired rounds, medians\n")
        print(
            "| corpus | run | before CPU / floor | after CPU / floor | before wall / floor "
            "| after wall / floor | after / before CPU | peak MiB before → after |"
        )
        print("|---|---|---:|---:|---:|---:|---:|---|")
        for label, files in corpora.items():
            folder = str(files[0].parent)
            for jobs in ("1", "auto"):
                cpu = {n: [] for n in roots}
                wall = {n: [] for n in roots}
                peak = dict.fromkeys(roots, 0.0)
                pair = []
                for _ in range(opts.rounds):
                    fw, fc, _ = measure([PY, "-c", FLOOR, folder], env["after"], work)
                    got = {}
                    for n in roots:
                        jarg = ["--jobs", "1"] if jobs == "1" else []
                        w, c, m = measure(
                            tl(n, "check", "--format", "json", *jarg, folder), env[n], work
                        )
                        cpu[n].append(c / fc)
                        wall[n].append(w / fw)
                        peak[n] = max(peak[n], m)
                        got[n] = c
                    pair.append(got["after"] / got["before"])
                med = statistics.median
                print(
                    f"| {label} | jobs {jobs} "
                    f"| {med(cpu['before']):.2f}× | {med(cpu['after']):.2f}× "
                    f"| {med(wall['before']):.2f}× | {med(wall['after']):.2f}× | {med(pair):.2f}× "
                    f"| {peak['before']:.0f} → {peak['after']:.0f} |",
                    flush=True,
                )
        # cold starts
        draft = work / "draft10k.md"
        draft.write_text(_module("dense_corpus").document(__import__("random").Random(3), 10_000))
        plain = work / "notes.md"
        plain.write_text("# Notes\n\nNothing here names a glossary term.\n" * 20)
        print("\n| cold start | before | after | after / before |")
        print("|---|---:|---:|---:|")
        rows = {
            "file with no term": lambda n: tl(n, "check", str(plain)),
            "10k-word dense draft": lambda n: tl(n, "check", str(draft)),
        }
        spacy_walls = []
        for title, cmd in rows.items():
            walls = {n: [] for n in roots}
            for _ in range(max(5, opts.rounds)):
                if title.startswith("10k"):
                    spacy_walls.append(measure([PY, "-c", "import spacy"], env["after"], work)[0])
                for n in roots:
                    walls[n].append(measure(cmd(n), env[n], work)[0])
            b, a = statistics.median(walls["before"]), statistics.median(walls["after"])
            print(f"| {title} | {b * 1000:.0f} ms | {a * 1000:.0f} ms | {a / b:.2f}× |")
        print(
            f'| `python -c "import spacy"` | | {statistics.median(spacy_walls) * 1000:.0f} ms | |'
        )
        # peak memory per format, dense corpus, one job
        print("\n| format (dense corpus, --jobs 1) | peak before | peak after |")
        print("|---|---:|---:|")
        for fmt in ("text", "json", "sarif", "github"):
            peaks = {}
            for n in roots:
                cmd = tl(n, "check", "--jobs", "1", "--format", fmt, str(work / "dense"))
                peaks[n] = measure(cmd, env[n], work)[2]
            print(f"| {fmt} | {peaks['before']:.0f} MiB | {peaks['after']:.0f} MiB |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
