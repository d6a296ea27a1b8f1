"""A very large draft, as pre-commit would check it: peak memory and time, 10 MB and 50 MB.

    python bench/big_document.py            # prints seconds and peak RSS for both sizes

Moved out of the test suite (it was a timed assertion and a quarter of the suite's time); the
targets it checked — under 1 GB at 50 MB, and five times the text in under seven times the
time — are printed with the numbers.
"""

from __future__ import annotations

import importlib.util
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _corpus():
    spec = importlib.util.spec_from_file_location(
        "termlint_bench_corpus", ROOT / "bench" / "corpus.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _check_in_subprocess(path: Path, cwd: Path) -> tuple[int, float, float, str]:
    """Exit status, seconds and peak resident memory (MB) of `termlint check PATH`."""
    with (cwd / "stderr.txt").open("w+") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-m", "termlint", "check", "-q", "--no-cache", str(path)],
            cwd=cwd,
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        return proc.returncode, seconds, usage.ru_maxrss / 1024, err.read()


def main() -> int:
    corpus = _corpus()
    rng = random.Random(7)
    parts, size = [], 0
    while size < 50_000_000:
        part = corpus.document(rng, 5000, 0.03)
        parts.append(part)
        size += len(part)
    text = "".join(parts)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / ".termlint.yaml").write_text("{}\n")
        small, big = folder / "small.md", folder / "big.md"
        small.write_text(text[: len(text) // 5], encoding="utf-8")
        big.write_text(text, encoding="utf-8")
        del parts, text
        results = {}
        for name, path in (("10 MB", small), ("50 MB", big)):
            code, seconds, mb, err = _check_in_subprocess(path, folder)
            results[name] = (seconds, mb)
            print(
                f"{name}: exit {code}, {seconds:.1f} s, peak {mb:.0f} MB"
                + (f"  {err}" if err else "")
            )
    ratio = results["50 MB"][0] / results["10 MB"][0]
    print(
        f"time ratio 50/10 MB: {ratio:.2f} (target < 7); peak at 50 MB "
        f"{results['50 MB'][1]:.0f} MB (target < 1024)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
