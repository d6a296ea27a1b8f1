"""Output byte-identical between two checkouts: the guard for speed work (issue 16).

    git worktree add --detach /tmp/perf-base <base commit>
    python bench/identical.py /tmp/perf-base            # against this checkout
    python bench/identical.py /tmp/perf-base OTHER --words 300000

Both checkouts run with the same interpreter (this one's packages), each importing its own
``termlint`` package, over the same inputs:

- the labelled sets (tests/labelled and tests/labelled/v2): every item's text as one Markdown
  file, and ``evaluate --split all -v`` over each set;
- ``examples/``;
- the project's bench corpus (bench/corpus.py) and the term-dense one (bench/dense_corpus.py).

On each input: ``check`` in text, json and sarif, and ``senses --format json``, with no cache.
Every pair of outputs (stdout, stderr and exit status) must be equal byte for byte; the script
prints one row per comparison and exits 1 on any difference.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def _module(name: str):
    spec = importlib.util.spec_from_file_location(f"termlint_bench_{name}", HERE / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _labelled_files(folder: Path) -> None:
    """Every labelled item's text as its own Markdown file (v1 lists and v2 documents)."""
    folder.mkdir(parents=True)
    for path in sorted((ROOT / "tests" / "labelled").rglob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        items = data.get("items", []) if isinstance(data, dict) else data
        stem = "-".join(path.relative_to(ROOT / "tests" / "labelled").with_suffix("").parts)
        for n, item in enumerate(items or []):
            if isinstance(item, dict) and isinstance(item.get("text"), str):
                (folder / f"{stem}-{n:03d}.md").write_text(item["text"], encoding="utf-8")


def prepare(inputs: Path, words: int) -> list[str]:
    _labelled_files(inputs / "labelled")
    shutil.copytree(ROOT / "examples", inputs / "examples")
    _module("corpus").write_corpus(inputs / "corpus", words)
    _module("dense_corpus").write_corpus(inputs / "dense", words)
    return ["labelled", "examples", "corpus", "dense"]


COMMANDS = {
    "check text": ["check"],
    "check json": ["check", "--format", "json"],
    "check sarif": ["check", "--format", "sarif"],
    "senses json": ["senses", "--format", "json"],
}


def run(checkout: Path, args: list[str], cwd: Path, cache: Path) -> bytes:
    code = (
        "import sys; root = sys.argv.pop(1); sys.path.insert(0, root); import termlint; "
        "assert termlint.__file__.startswith(root), termlint.__file__; "
        "from termlint.cli import run; sys.argv[0] = 'termlint'; run()"
    )
    env = dict(
        os.environ,
        PYTHONHASHSEED="0",
        TERMLINT_NO_CACHE="1",
        TERMLINT_CACHE_DIR=str(cache),
        NO_COLOR="1",
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, str(checkout), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        check=False,
    )
    return b"status %d\n" % proc.returncode + proc.stdout + b"\n--stderr--\n" + proc.stderr


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base", type=Path, help="the checkout to compare against")
    parser.add_argument("new", type=Path, nargs="?", default=ROOT, help="default: this one")
    parser.add_argument("--words", type=int, default=200_000, help="words per bench corpus")
    parser.add_argument("--keep", type=Path, help="write every output into this folder")
    opts = parser.parse_args()
    checkouts = [opts.base.resolve(), opts.new.resolve()]
    for c in checkouts:
        if not (c / "termlint" / "__init__.py").exists():
            parser.error(f"{c}: not a termlint checkout")
    differ = 0
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        inputs = work / "in"
        names = prepare(inputs, opts.words)
        jobs = [
            (f"{cmd} {name}", [*argv, name]) for name in names for cmd, argv in COMMANDS.items()
        ]
        for label in ("tests/labelled", "tests/labelled/v2"):
            jobs.append(
                (f"evaluate {label}", ["evaluate", str(ROOT / label), "--split", "all", "-v"])
            )
        print("| comparison | bytes | sha256 (first 12) | same |")
        print("|---|---:|---|---|")
        for title, argv in jobs:
            outs = []
            for n, checkout in enumerate(checkouts):
                cache = work / f"cache{n}"
                cache.mkdir(exist_ok=True)
                outs.append(run(checkout, argv, inputs, cache))
            same = outs[0] == outs[1]
            differ += not same
            digest = hashlib.sha256(outs[1]).hexdigest()[:12]
            print(f"| {title} | {len(outs[1]):,} | {digest} | {'yes' if same else '**NO**'} |")
            if opts.keep:
                opts.keep.mkdir(parents=True, exist_ok=True)
                for n, out in enumerate(outs):
                    (opts.keep / f"{title.replace(' ', '_').replace('/', '_')}.{n}").write_bytes(
                        out
                    )
    print(f"\n{len(jobs) - differ} of {len(jobs)} outputs identical")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
