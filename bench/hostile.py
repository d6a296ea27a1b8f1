"""Hostile-input bench cases (issue 15), run on demand, never as timed tests.

    python bench/hostile.py                    # every case
    python bench/hostile.py oneline supp       # some cases
    python bench/hostile.py --scale 0.1        # smaller inputs, for a quick look

Cases (the December reliability report's sizes):

- ``oneline``: 10 MB of prose on one line (one paragraph, term uses throughout; D3).
- ``supp``: 100,000 ``disable-next-line`` comments, each before an ambiguous line (D4).
- ``dense-json`` / ``dense-sarif``: a dense 50 MB file, "scheming" in every sentence, in
  ``--format json`` and ``--format sarif`` (D5).

Each runs ``termlint check --no-cache`` in a child process, with a wall-clock limit, and prints
one Markdown row: wall time, the child's peak RSS, findings and the exit status. Inputs are
written to bench/out/hostile (not committed).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out" / "hostile"
SENTENCE = "We should worry that scheming will emerge once models plan over long horizons. "


def make_oneline(path: Path, size: int) -> None:
    with path.open("w", encoding="utf-8") as f:
        f.write(SENTENCE * (size // len(SENTENCE)) + "\n")


def make_supp(path: Path, pairs: int) -> None:
    with path.open("w", encoding="utf-8") as f:
        for _ in range(pairs):
            f.write(
                "<!-- termlint-disable-next-line ambiguous-term -->\nWe think scheming is bad.\n\n"
            )


def make_dense(path: Path, size: int) -> None:
    para = SENTENCE + "Some say scheming is rare. Others expect scheming soon.\n\n"
    with path.open("w", encoding="utf-8") as f:
        f.write(para * (size // len(para)))


CASES = {
    "oneline": ("10 MB on one line", make_oneline, 10_000_000, ["-q"]),
    "supp": ("100,000 disable-next-line pairs", make_supp, 100_000, ["-q"]),
    "dense-json": ("dense 50 MB, --format json", make_dense, 50_000_000, ["--format", "json"]),
    "dense-sarif": ("dense 50 MB, --format sarif", make_dense, 50_000_000, ["--format", "sarif"]),
}


def run_case(name: str, scale: float, limit: float) -> str:
    title, make, size, args = CASES[name]
    OUT.mkdir(parents=True, exist_ok=True)
    size = max(1, int(size * scale))
    path = OUT / f"{name.split('-')[0]}-{size}.md"
    if not path.exists():
        make(path, size)
    mb = path.stat().st_size / 1e6
    cmd = [
        sys.executable,
        "-c",
        "import sys; from termlint.cli import run; sys.argv[0] = 'termlint'; run()",
        "check",
        "--no-cache",
        *args,
        str(path),
    ]
    out_path = OUT / f"{name}.out"
    start = time.perf_counter()
    with out_path.open("wb") as out:
        # A fresh child per case, so RUSAGE_CHILDREN's maximum is this case's.
        wrapper = [sys.executable, "-c", _MEASURE, str(limit), *cmd]
        proc = subprocess.run(wrapper, stdout=out, stderr=subprocess.PIPE, check=False)
    wall = time.perf_counter() - start
    info = json.loads(proc.stderr.decode().strip().splitlines()[-1])
    findings = "-"
    if info["status"] in (0, 1) and args[:1] == ["--format"]:
        data = json.loads(out_path.read_text(encoding="utf-8"))
        found = data["diagnostics"] if args[1] == "json" else data["runs"][0]["results"]
        findings = f"{len(found):,}"
    elif info["status"] in (0, 1):
        tail = out_path.read_bytes()[-300:].decode("utf-8", "replace").strip().splitlines()
        findings = tail[-1] if tail else "-"
    status = "killed at limit" if info["timed_out"] else str(info["status"])
    return (
        f"| {title} | {mb:.1f} MB | {wall:.1f} s | {info['rss_mb']:.0f} MB | {findings} "
        f"| {status} |"
    )


#: Runs the command with a time limit and reports its peak RSS (the grandchild's).
_MEASURE = r"""
import json, resource, subprocess, sys
limit, cmd = float(sys.argv[1]), sys.argv[2:]
proc = subprocess.Popen(cmd)
try:
    status, timed_out = proc.wait(timeout=limit), False
except subprocess.TimeoutExpired:
    proc.kill()
    status, timed_out = proc.wait(), True
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(json.dumps({"status": status, "timed_out": timed_out, "rss_mb": rss}), file=sys.stderr)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", nargs="*", help=f"which cases (default all): {', '.join(CASES)}")
    parser.add_argument("--scale", type=float, default=1.0, help="input size factor")
    parser.add_argument("--limit", type=float, default=900, help="seconds per case")
    opts = parser.parse_args()
    unknown = [c for c in opts.cases if c not in CASES]
    if unknown:
        parser.error(f"unknown case {unknown[0]!r} (known: {', '.join(CASES)})")
    os.environ.setdefault("TERMLINT_NO_CACHE", "1")
    print("| case | input | wall | peak RSS | findings | exit |")
    print("|---|---:|---:|---:|---:|---|")
    for name in opts.cases or list(CASES):
        print(run_case(name, opts.scale, opts.limit), flush=True)


if __name__ == "__main__":
    main()
