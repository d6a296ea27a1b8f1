"""Cold starts, before and after, in paired interleaved rounds (issue 16).

    git archive BASE termlint glossary rules | tar -x -C /tmp/cold-base
    python bench/cold.py /tmp/cold-base . --rounds 15

Each argument is a checkout (run with this Python, its folder first on the path, as
bench/paired.py does) or a ``termlint`` console script (a checkout's own venv). Every round runs,
one right after the other: before and after on a Markdown file with no glossary term, then
``python -c "import spacy"`` and before and after on a 10k-word draft dense in terms. The
glossary cache is warm (what a second pre-commit run has), the draft's cached result is removed
before each run so it is really linted. Which side goes first alternates from round to round
(ABBA), so a slow stretch of the shared host does not always fall on the same side. Medians of
the rounds, and the median of each round's after/before ratio; ``python -c pass`` is timed in
every round too, as the reference the no-term target is set against. The load average is
printed. Bytecode must be cached (``python -m compileall``): with PYTHONDONTWRITEBYTECODE set
every run compiles termlint's sources again, about 20 ms of a no-term run.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


TERMLINT = (
    "import sys; root = sys.argv.pop(1); sys.path.insert(0, root); "
    "from termlint.cli import run; sys.argv[0] = 'termlint'; run()"
)


def command(side: str) -> list[str]:
    if Path(side).is_dir():
        return [sys.executable, "-c", TERMLINT, str(Path(side).resolve())]
    return [side]


def wall(cmd: list[str], env: dict) -> float:
    start = time.perf_counter()
    code = subprocess.call(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    took = time.perf_counter() - start
    if code not in (0, 1):
        raise SystemExit(f"{cmd} exited {code}")
    return took


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("before")
    parser.add_argument("after")
    parser.add_argument("--rounds", type=int, default=15)
    opts = parser.parse_args()
    spec = importlib.util.spec_from_file_location("dense_corpus", HERE / "dense_corpus.py")
    dense = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(dense)
    work = Path(tempfile.mkdtemp(prefix="termlint-cold-"))
    plain = work / "notes.md"
    plain.write_text("# Notes\n\nNothing here names a glossary term.\n" * 20)
    draft = work / "draft10k.md"
    draft.write_text(dense.document(random.Random(3), 10_000))
    python = sys.executable
    sides = {"before": opts.before, "after": opts.after}
    envs = {}
    for name in sides:
        # The platform's default cache folder, as most runs have it (not TERMLINT_CACHE_DIR).
        env = dict(os.environ, XDG_CACHE_HOME=str(work / f"cache-{name}"))
        env.pop("TERMLINT_NO_CACHE", None)
        env.pop("TERMLINT_CACHE_DIR", None)
        envs[name] = env
        wall([*command(sides[name]), "check", str(plain)], env)  # warm the glossary cache
    walls: dict[str, list[float]] = {k: [] for k in ("plain-b", "plain-a", "draft-b", "draft-a")}
    spacy = []
    nothing = []
    print(f"load before: {os.getloadavg()}", file=sys.stderr)
    for n in range(opts.rounds):
        order = list(sides) if n % 2 == 0 else list(sides)[::-1]
        nothing.append(wall([python, "-c", "pass"], envs["after"]))
        for name in order:
            walls[f"plain-{name[0]}"].append(
                wall([*command(sides[name]), "check", str(plain)], envs[name])
            )
        spacy.append(wall([python, "-c", "import spacy"], envs["after"]))
        for name in order:
            shutil.rmtree(work / f"cache-{name}" / "termlint" / "results", ignore_errors=True)
            walls[f"draft-{name[0]}"].append(
                wall([*command(sides[name]), "check", str(draft)], envs[name])
            )
    print(f"load after: {os.getloadavg()}", file=sys.stderr)
    med = {k: statistics.median(v) * 1000 for k, v in walls.items()}
    sp = statistics.median(spacy) * 1000
    ratio = {
        kind: statistics.median(
            a / b for a, b in zip(walls[f"{kind}-a"], walls[f"{kind}-b"], strict=True)
        )
        for kind in ("plain", "draft")
    }
    print("| cold start | before | after | after/before (paired) |")
    print("|---|---:|---:|---:|")
    print(f"| `python -c pass` | {statistics.median(nothing) * 1000:.0f} ms | | |")
    print(
        f"| file with no term | {med['plain-b']:.0f} ms | {med['plain-a']:.0f} ms "
        f"| {ratio['plain']:.2f}× |"
    )
    print(
        f"| 10k-word dense draft | {med['draft-b']:.0f} ms | {med['draft-a']:.0f} ms "
        f"| {ratio['draft']:.2f}× |"
    )
    print(
        f"| draft − `import spacy` ({sp:.0f} ms) | {med['draft-b'] - sp:+.0f} ms "
        f"| {med['draft-a'] - sp:+.0f} ms | |"
    )
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
