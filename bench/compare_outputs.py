"""Record what ``check``, ``senses`` and ``fix`` print, and compare two recordings byte for byte.

Used to show that a refactor of the orchestration changes no output: run ``record`` before and
after the change (each into its own folder), then ``compare``.

    python bench/compare_outputs.py record /tmp/before
    python bench/compare_outputs.py record /tmp/after
    python bench/compare_outputs.py compare /tmp/before /tmp/after

The documents are ``examples/`` and every item of the labelled sets (``tests/labelled``, both
formats), each item written out as a Markdown file of its own, with the paths relative to a
scratch folder so the recordings do not depend on where they were made. Every command is run
cold (``--no-cache``), and ``check`` and ``senses`` once more with a warm cache, and ``check``
with one worker and with two; ``fix`` is recorded with ``--diff`` and by the bytes of the files
it writes. Each run keeps its standard output, standard error and exit status.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def write_documents(folder: Path) -> None:
    sys.path.insert(0, str(ROOT))
    from termlint.evaluation.corpus import V2_SPLITS, load_corpus, load_v1

    shutil.copytree(ROOT / "examples", folder / "examples")
    items = [*load_corpus(V2_SPLITS), *load_v1("all")]
    for n, item in enumerate(items):
        path = folder / "labelled" / item.split / f"{n:05d}-{item.id}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(item.text, encoding="utf-8")


def commands() -> list[tuple[str, list[str]]]:
    both = ["examples", "labelled"]
    out = []
    for fmt in ("text", "json", "sarif", "github"):
        out.append((f"check-{fmt}", ["check", "--no-cache", "--no-color", "--format", fmt, *both]))
    out.append(("check-jobs1", ["check", "--no-cache", "--no-color", "-j", "1", *both]))
    out.append(("check-jobs2", ["check", "--no-cache", "--no-color", "-j", "2", *both]))
    out.append(("check-warm1", ["check", "--no-color", "--format", "json", *both]))
    out.append(("check-warm2", ["check", "--no-color", "--format", "json", *both]))
    out.append(("check-stdin", ["check", "--no-cache", "--no-color", "-"]))
    for fmt in ("text", "json"):
        out.append((f"senses-{fmt}", ["senses", "--no-cache", "--format", fmt, *both]))
    out.append(("senses-warm1", ["senses", "--format", "json", *both]))
    out.append(("senses-warm2", ["senses", "--format", "json", *both]))
    out.append(("senses-stdin", ["senses", "--no-cache", "--format", "json", "-"]))
    sense = ["--sense", "scheming=power-motivated-training-gamer"]
    for how in ("rewrite", "link", "declare"):
        out.append(
            (f"fix-diff-{how}", ["fix", "--no-cache", *sense, "--how", how, "--diff", *both])
        )
    out.append(("fix-stdin", ["fix", "--no-cache", *sense, "-"]))
    out.append(("fix-write", ["fix", "--no-cache", *sense, "--how", "link", *both]))
    return out


def record(dest: Path) -> None:
    dest.mkdir(parents=True, exist_ok=True)
    stdin = (ROOT / "examples" / "draft.md").read_bytes()
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        (work / ".cache").mkdir()
        # A fixed hash seed: the sense reader iterates sets of words (see the report), so
        # without it two runs of the same code can order tied evidence differently.
        env = dict(os.environ, XDG_CACHE_HOME=str(work / ".cache"), PYTHONHASHSEED="0")
        env.pop("TERMLINT_NO_CACHE", None)
        for name, args in commands():
            docs = work / "docs"
            if docs.exists():
                shutil.rmtree(docs)
            docs.mkdir()
            write_documents(docs)
            proc = subprocess.run(
                [sys.executable, "-m", "termlint", *args],
                cwd=docs,
                env=env,
                input=stdin if "-" in args else b"",
                capture_output=True,
                check=False,
            )
            # The scratch folder's absolute path (SARIF's uriBaseId) differs run to run.
            here = str(docs.resolve()).encode()
            (dest / f"{name}.out").write_bytes(proc.stdout.replace(here, b"<docs>"))
            (dest / f"{name}.err").write_bytes(proc.stderr.replace(here, b"<docs>"))
            (dest / f"{name}.rc").write_text(f"{proc.returncode}\n")
            if name == "fix-write":
                lines = [
                    f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.relative_to(docs)}\n"
                    for p in sorted(docs.rglob("*.md"))
                ]
                (dest / f"{name}.files").write_text("".join(lines))
            print(f"{name}: exit {proc.returncode}, {len(proc.stdout)} bytes out", flush=True)


def compare(a: Path, b: Path) -> int:
    names = sorted({p.name for p in a.iterdir()} | {p.name for p in b.iterdir()})
    differ = [n for n in names if not (a / n).is_file() or not (b / n).is_file()]
    differ += [n for n in names if n not in differ and (a / n).read_bytes() != (b / n).read_bytes()]
    total = sum((a / n).stat().st_size for n in names if (a / n).is_file())
    print(f"{len(names)} recordings ({total} bytes) compared; {len(differ)} differ")
    for n in differ:
        print(f"  differs: {n}")
    return 1 if differ else 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "record":
        record(Path(sys.argv[2]))
    elif len(sys.argv) == 4 and sys.argv[1] == "compare":
        sys.exit(compare(Path(sys.argv[2]), Path(sys.argv[3])))
    else:
        sys.exit(__doc__)
