"""termlint's speed, measured on demand (never as a timed assertion in the tests).

    python bench/bench.py                 # full run: 1M-word corpus, peers, memory
    python bench/bench.py --quick         # smaller corpus, no peers
    python bench/bench.py --write docs/benchmarks.md

Prints one Markdown table. Everything runs in the same session: termlint's CLI, the
markdown-it-py parse-only floor on the same corpus, ``python -c "import spacy"``, and peers —
proselint from PyPI and, where node is present, alex and write-good from npm — installed into a
scratch folder (bench/out/peers), never as termlint's dependencies. Peak memory is the child's
maximum resident set size.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
sys.path.insert(0, str(HERE))

from corpus import document, write_corpus  # noqa: E402

PY = sys.executable
FLOOR = """
import sys, pathlib
from markdown_it import MarkdownIt
md = MarkdownIt("commonmark").enable("table")
for p in sorted(pathlib.Path(sys.argv[1]).glob("*.md")):
    md.parse(p.read_text(encoding="utf-8"))
"""


def run(
    cmd: list[str], env: dict | None = None, cwd: Path | None = None, ok=(0, 1)
) -> tuple[float, int]:
    """Wall time (s) and peak RSS (KiB) of one child process.

    ``ok`` is the exit codes that mean the tool ran; None accepts any (peers exit with the
    number of problems found), but never a death by signal.
    """
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=cwd
    )
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code < 0 or (ok is not None and code not in ok):
        raise RuntimeError(f"{cmd[0]} failed with exit status {code}")
    return elapsed, usage.ru_maxrss


def best_of(n: int, cmd, **kw) -> tuple[float, int]:
    """Best wall time and largest peak memory of n runs."""
    results = [run(cmd, **kw) for _ in range(n)]
    return min(r[0] for r in results), max(r[1] for r in results)


def words_in(folder: Path) -> int:
    return sum(len(p.read_text(encoding="utf-8").split()) for p in folder.glob("*.md"))


def termlint_cmd(*args: str) -> list[str]:
    return [PY, "-m", "termlint", "check", *args, "--format", "json"]


def fresh_env(cache: Path | None) -> dict:
    env = dict(os.environ)
    env.pop("TERMLINT_NO_CACHE", None)
    if cache is None:
        env["TERMLINT_NO_CACHE"] = "1"
    else:
        env["TERMLINT_CACHE_DIR"] = str(cache)
    return env


def install_peers(skip: bool) -> dict[str, list[str]]:
    """Scratch installs of proselint (pip) and alex / write-good (npm); whatever works."""
    peers: dict[str, list[str]] = {}
    if skip:
        return peers
    root = OUT / "peers"
    venv = root / "venv"
    if not (venv / "bin" / "proselint").exists():
        subprocess.run([PY, "-m", "venv", str(venv)], check=True)
        subprocess.run(
            [str(venv / "bin" / "pip"), "install", "-q", "proselint"],
            check=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    if (venv / "bin" / "proselint").exists():
        peers["proselint"] = [str(venv / "bin" / "proselint"), "check"]
    if shutil.which("npm") and shutil.which("node"):
        node_bin = root / "node" / "node_modules" / ".bin"
        if not (node_bin / "alex").exists():
            subprocess.run(
                [
                    "npm",
                    "install",
                    "--silent",
                    "--prefix",
                    str(root / "node"),
                    "alex",
                    "write-good",
                ],
                check=False,
                stdout=subprocess.DEVNULL,
            )
        if (node_bin / "alex").exists():
            peers["alex"] = [str(node_bin / "alex")]
        if (node_bin / "write-good").exists():
            peers["write-good"] = [str(node_bin / "write-good")]
    return peers


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return (
        f"{cpu}, {len(os.sched_getaffinity(0))} cores{mem}; Python "
        f"{platform.python_version()}; {platform.system()} {platform.release()}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--words", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true", help="200k words, no peers")
    parser.add_argument("--no-peers", action="store_true")
    parser.add_argument(
        "--repeat",
        type=int,
        default=5,
        help="rounds of the throughput runs, best of N for the cold starts",
    )
    parser.add_argument("--write", type=Path, help="also write the report to this file")
    args = parser.parse_args()
    if args.quick:
        args.words, args.no_peers = 200_000, True

    OUT.mkdir(exist_ok=True)
    corpus = OUT / f"corpus-{args.words}"
    if not corpus.is_dir():
        write_corpus(corpus, args.words)
    total_words = words_in(corpus)
    size_mb = sum(p.stat().st_size for p in corpus.glob("*.md")) / 1e6
    small = OUT / "small"
    small.mkdir(exist_ok=True)
    plain = small / "no-terms.md"
    plain.write_text("# Meeting notes\n\nWe talked about the budget and the offsite.\n" * 20)
    import random

    draft = small / "draft-10k.md"
    draft.write_text(document(random.Random(3), 10_000, 0.03), encoding="utf-8")

    rows: list[tuple[str, str, str, str]] = []
    # What a first check of these files costs: the validated glossary is in the cache (it is
    # written once per glossary change), no file's result is.
    first_cache = OUT / "cache-first"
    env = fresh_env(first_cache)
    run(termlint_cmd(str(plain)), env=env)

    def no_results():
        shutil.rmtree(first_cache / "results", ignore_errors=True)

    seen: dict[str, float] = {}  # what the targets are judged on

    # Throughput over the corpus: the floor and termlint run in rounds, one after the other,
    # so that each round's ratio compares runs made under the same load; the targets are
    # judged on the median ratio of the rounds, the table shows the best times.
    rounds: dict[str, list[tuple[float, int]]] = {"floor": [], "1": [], "0": []}
    for _ in range(args.repeat):
        rounds["floor"].append(run([PY, "-c", FLOOR, str(corpus)]))
        for jobs in ("1", "0"):
            no_results()
            rounds[jobs].append(run(termlint_cmd(str(corpus), "--jobs", jobs), env=env))
    floor_t = min(t for t, _ in rounds["floor"])
    floor_m = max(m for _, m in rounds["floor"])
    rows.append(
        (
            "markdown-it-py parse only (the floor)",
            f"{floor_t:.2f} s",
            f"{total_words / floor_t:,.0f} words/s",
            f"{floor_m / 1024:.0f} MiB",
        )
    )
    for jobs in ("1", "0"):
        t = min(t for t, _ in rounds[jobs])
        m = max(m for _, m in rounds[jobs])
        ratios = [f / r for (f, _), (r, _) in zip(rounds["floor"], rounds[jobs], strict=True)]
        seen["one job" if jobs == "1" else "auto"] = t
        seen[f"ratio {jobs}"] = statistics.median(ratios)
        label = (
            "termlint check, 1 job"
            if jobs == "1"
            else f"termlint check, --jobs auto ({len(os.sched_getaffinity(0))})"
        )
        rows.append(
            (
                label,
                f"{t:.2f} s",
                f"{total_words / t:,.0f} words/s "
                f"({floor_t / t:.2f}× floor; median of rounds "
                f"{statistics.median(ratios):.2f}×)",
                f"{m / 1024:.0f} MiB",
            )
        )
    cache = OUT / "cache"
    shutil.rmtree(cache, ignore_errors=True)
    run(termlint_cmd(str(corpus)), env=fresh_env(cache))
    t, m = best_of(args.repeat, termlint_cmd(str(corpus)), env=fresh_env(cache))
    rows.append(
        (
            "termlint check, second run (result cache)",
            f"{t:.2f} s",
            f"{total_words / t:,.0f} words/s",
            f"{m / 1024:.0f} MiB",
        )
    )

    peers = install_peers(args.no_peers)
    if "proselint" in peers:
        t, m = best_of(1, [*peers["proselint"], str(corpus)], ok=None)
        seen["proselint"] = t
        rows.append(
            (
                "proselint check (same corpus)",
                f"{t:.2f} s",
                f"{total_words / t:,.0f} words/s",
                f"{m / 1024:.0f} MiB",
            )
        )

    # Cold starts.
    cold = []
    t, m = best_of(5, termlint_cmd(str(plain)), env=fresh_env(OUT / "cache-cold"))
    cold.append(("termlint check, file with no glossary term", t, m))
    seen["no term"] = t
    timings = []
    for _ in range(args.repeat):
        # Keep the validated-glossary cache (what a second pre-commit run has) but not the
        # draft's cached result, so every run really lints it.
        shutil.rmtree(OUT / "cache-cold" / "results", ignore_errors=True)
        timings.append(run(termlint_cmd(str(draft)), env=fresh_env(OUT / "cache-cold")))
    cold.append(
        (
            "termlint check, 10k-word draft with terms (glossary cached, result not)",
            min(t for t, _ in timings),
            max(m for _, m in timings),
        )
    )
    seen["draft"] = min(t for t, _ in timings)
    t, m = best_of(args.repeat, [PY, "-c", "import spacy"])
    cold.append(('python -c "import spacy"', t, m))
    seen["import spacy"] = t
    for name, cmd in peers.items():
        for label, path in (("no-term file", plain), ("10k-word draft", draft)):
            t, m = best_of(args.repeat, [*cmd, str(path)], ok=None)
            cold.append((f"{name}, {label}", t, m))

    # Memory as the corpus grows.
    growth = []
    for words in (args.words // 4, args.words // 2, args.words):
        folder = OUT / f"corpus-{words}"
        if not folder.is_dir():
            write_corpus(folder, words)
        no_results()
        _, m = run(termlint_cmd(str(folder), "--jobs", "1"), env=env)
        growth.append((words, m))

    today = datetime.date.today().isoformat()
    lines = [
        f"# termlint benchmarks — {today}",
        "",
        f"Machine: {machine()}.",
        "",
        f"Corpus: {total_words:,} words, {size_mb:.1f} MB of generated alignment-style "
        f"Markdown in {len(list(corpus.glob('*.md')))} files (bench/corpus.py: prose with "
        "inline markup, lists, tables, code blocks, terms in about 3% of sentences).",
        "",
        f"Command: `python bench/bench.py{' --quick' if args.quick else ''}` "
        f"({args.repeat} rounds; times are the best of them).",
        "",
        "The termlint rows without a cache hit measure a first check of the corpus: the "
        "validated glossary is in the cache (it is written once per glossary change; "
        "`--no-cache` re-validates it, about a quarter of a second more), no file's "
        "result is.",
        "",
        "## Throughput",
        "",
        "| run | wall time | throughput | peak memory |",
        "|---|---|---|---|",
    ]
    lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    lines += ["", "## Cold start", "", "| command | wall time | peak memory |", "|---|---|---|"]
    lines += [f"| {a} | {t * 1000:.0f} ms | {m / 1024:.0f} MiB |" for a, t, m in cold]
    lines += [
        "",
        "## Peak memory as the corpus grows (1 job)",
        "",
        "| corpus | peak memory |",
        "|---|---|",
    ]
    lines += [f"| {w:,} words | {m / 1024:.0f} MiB |" for w, m in growth]
    spread = statistics.pstdev([m for _, m in growth]) / 1024
    lines += ["", f"Spread of peak memory across corpus sizes: {spread:.1f} MiB."]
    lines += [
        "",
        "## Against the targets (issue 6)",
        "",
        "| target | this run | |",
        "|---|---|---|",
    ]
    lines += [
        f"| {a} | {b} | {'met' if ok else '**not met**'} |"
        for a, b, ok in targets(seen, floor_t, growth, total_words)
    ]
    report = "\n".join(lines) + "\n"
    print(report)
    if args.write:
        args.write.write_text(report, encoding="utf-8")
    return 0


def targets(seen: dict[str, float], floor_t: float, growth: list[tuple[int, int]], words: int):
    """(target, measured, met?) for each of issue 6's targets that this run measured.

    The throughput targets are for a corpus of a million words or more: on a smaller one the
    fixed start-up (loading spaCy) weighs more than the parse it is compared with.
    """
    size = "" if words >= 1_000_000 else f" — on {words:,} words; the target is for 1M"
    out = [
        (
            "cold start, file with no glossary term ≤ 0.1 s",
            f"{seen['no term'] * 1000:.0f} ms",
            seen["no term"] <= 0.1,
        ),
        (
            "cold start, 10k-word draft ≤ `import spacy` + 0.2 s",
            f"{seen['draft'] * 1000:.0f} ms against {seen['import spacy'] * 1000:.0f} ms",
            seen["draft"] <= seen["import spacy"] + 0.2,
        ),
        (
            "whole run ≥ 0.7× the parse-only floor (`--jobs auto`; median of the rounds)",
            f"{seen['ratio 0']:.2f}× (one job {seen['ratio 1']:.2f}×){size}",
            seen["ratio 0"] >= 0.7,
        ),
    ]
    if "proselint" in seen:
        out.append(
            (
                "corpus throughput ≥ 5× proselint's (`--jobs auto`)",
                f"{seen['proselint'] / seen['auto']:.1f}× (one job "
                f"{seen['proselint'] / seen['one job']:.1f}×){size}",
                seen["proselint"] / seen["auto"] >= 5,
            )
        )
    peaks = [m for _, m in growth]
    out.append(
        (
            "peak memory flat as the corpus grows (within 10% from ¼ to the whole)",
            f"{min(peaks) / 1024:.0f}–{max(peaks) / 1024:.0f} MiB",
            max(peaks) <= 1.1 * min(peaks),
        )
    )
    return out


if __name__ == "__main__":
    raise SystemExit(main())
