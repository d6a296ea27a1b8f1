"""In-process lint CPU of two checkouts, in paired rounds (issue 16).

    git worktree add --detach /tmp/base <base commit>
    python bench/inprocess.py /tmp/base --words 100000 --rounds 4

Each round runs one child per checkout, the side that goes first alternating (ABBA). A child
imports that checkout's termlint, builds the project and the analyzer on a warm-up file, then
times ``lint_source(…, lean=True)`` (what ``check`` calls; one job) with
``time.process_time`` on every file of the corpus, the minimum of ``--repeat`` runs per file,
summed. Also counted in each child: the cue-index builds (``senses.evidence.BlockIndex``) and
the blocks of the corpus that hold a use of a glossary term. The corpus is
bench/dense_corpus.py's (``--corpus project`` for bench/corpus.py's).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

CHILD = r"""
import json, sys, time
root, folder, repeat = sys.argv[1], sys.argv[2], int(sys.argv[3])
sys.path.insert(0, root)
from pathlib import Path
from termlint.model import SourceText
from termlint.pipeline import default_project, lint_source, read_document
from termlint.senses import evidence

builds = [0]
real = evidence.BlockIndex.__init__

def counted(self, analysis):
    builds[0] += 1
    real(self, analysis)

files = sorted(Path(folder).glob("*.md"))
project = default_project()
lint_source(SourceText(path=str(files[0]), text=files[0].read_text(encoding="utf-8")), project,
            lean=True)  # warm-up: spaCy, the analyzer, the model
total = 0.0
for path in files:
    source = SourceText(path=str(path), text=path.read_text(encoding="utf-8"))
    best = None
    for _ in range(repeat):
        start = time.process_time()
        lint_source(source, project, lean=True)
        took = time.process_time() - start
        best = took if best is None else min(best, took)
    total += best
evidence.BlockIndex.__init__ = counted
blocks = 0
for path in files:
    source = SourceText(path=str(path), text=path.read_text(encoding="utf-8"))
    lint_source(source, project, lean=True)
    read = read_document(source, project)
    if read is not None:
        blocks += len({o.block for o in read[2]})
print(json.dumps({"cpu": total, "builds": builds[0], "blocks_with_uses": blocks}))
"""


def _module(name: str):
    import importlib.util

    spec = importlib.util.spec_from_file_location(f"termlint_bench_{name}", HERE / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run(root: Path, folder: Path, repeat: int) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(root), str(folder), str(repeat)],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONHASHSEED": "0", "PATH": "/usr/bin:/bin"},
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base", type=Path, help="the other checkout (the base)")
    parser.add_argument("--words", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=3, help="runs per file (the minimum)")
    parser.add_argument("--corpus", choices=("dense", "project"), default="dense")
    args = parser.parse_args()
    sides = {"base": args.base.resolve(), "new": HERE.parent}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        generator = _module("dense_corpus" if args.corpus == "dense" else "corpus")
        generator.write_corpus(folder, args.words)
        found: dict[str, list[dict]] = {"base": [], "new": []}
        for n in range(args.rounds):
            order = ("base", "new") if n % 2 == 0 else ("new", "base")
            for side in order:
                found[side].append(run(sides[side], folder, args.repeat))
            print(
                f"round {n + 1}: base {found['base'][-1]['cpu']:.3f} s, "
                f"new {found['new'][-1]['cpu']:.3f} s",
                flush=True,
            )
    for side in ("base", "new"):
        cpus = [r["cpu"] for r in found[side]]
        last = found[side][-1]
        print(
            f"{side}: CPU min {min(cpus):.3f} s, median {statistics.median(cpus):.3f} s; "
            f"BlockIndex builds {last['builds']}, blocks with uses {last['blocks_with_uses']}"
        )
    ratios = [n["cpu"] / b["cpu"] for b, n in zip(found["base"], found["new"], strict=True)]
    print(
        f"new / base per round: {', '.join(f'{r:.3f}' for r in ratios)}; "
        f"median {statistics.median(ratios):.3f}"
    )


if __name__ == "__main__":
    main()
