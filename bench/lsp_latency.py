"""How fast ``termlint lsp`` answers, measured on demand (never as a timed assertion in tests).

    python bench/lsp_latency.py                 # 10k-word draft, 20 paragraph edits
    python bench/lsp_latency.py --edits 50 --words 20000

Starts the real server over stdio with a pygls client, opens a generated 10,000-word draft
(bench/corpus.py, the same generator as bench.py) and measures:

- *first diagnostics*: from ``didOpen`` to the first ``publishDiagnostics`` of that document,
  in a fresh server (this includes importing spaCy and building its matchers), and from
  starting the process;
- *a paragraph-sized edit*: from ``didChange`` (a whole paragraph replaced, incrementally) to
  the diagnostics of that version, with the debounce set to 0 so only the work is timed.

Next to them, the budget the issue sets for the cold start — the cold ``termlint check`` of
the same file, and ``python -c "import spacy"`` + 0.2 s (docs/benchmarks.md's cold-start target).
Each cold figure is the best of ``--runs`` fresh processes.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus import document  # noqa: E402
from lsprotocol import types  # noqa: E402
from pygls.lsp.client import LanguageClient  # noqa: E402
from pygls.uris import from_fs_path  # noqa: E402


def wall(cmd: list[str], env: dict, cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(
        cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False
    )
    return time.perf_counter() - start


def paragraphs(text: str) -> list[tuple[int, str]]:
    """(0-based line, text) of every one-line prose paragraph."""
    lines = text.split("\n")
    return [
        (i, line) for i, line in enumerate(lines) if len(line.split()) > 30 and line[:1].isalpha()
    ]


async def session(root: Path, doc: Path, text: str, edits: int, seed: int) -> dict:
    client = LanguageClient("termlint-bench", "1")
    arrived: dict[int, float] = {}
    counts: dict[int, int] = {}

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def publish(params: types.PublishDiagnosticsParams):
        if params.version is not None and params.version not in arrived:
            arrived[params.version] = time.perf_counter()
            counts[params.version] = len(params.diagnostics)

    async def wait(version: int) -> float:
        while version not in arrived:
            await asyncio.sleep(0.0005)
        return arrived[version]

    env = {**os.environ, "XDG_CACHE_HOME": str(root / "cache")}
    started = time.perf_counter()
    await client.start_io(sys.executable, "-m", "termlint", "lsp", cwd=str(root), env=env)
    await client.initialize_async(
        types.InitializeParams(
            capabilities=types.ClientCapabilities(),
            root_uri=from_fs_path(str(root)),
            initialization_options={"debounce": 0},
        )
    )
    client.initialized(types.InitializedParams())
    uri = from_fs_path(str(doc))
    opened = time.perf_counter()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            types.TextDocumentItem(uri=uri, language_id="markdown", version=1, text=text)
        )
    )
    first = await wait(1)
    out = {"open": first - opened, "process": first - started, "diagnostics": counts[1]}

    rng = random.Random(seed)
    paras = paragraphs(text)
    replacement = [p for _, p in paras]
    times = []
    lines = text.split("\n")
    for n in range(edits):
        version = n + 2
        line, _ = paras[rng.randrange(len(paras))]
        new = rng.choice(replacement)
        old = lines[line]
        lines[line] = new
        change = types.TextDocumentContentChangePartial(
            range=types.Range(types.Position(line, 0), types.Position(line, len(old))), text=new
        )
        sent = time.perf_counter()
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                types.VersionedTextDocumentIdentifier(version=version, uri=uri), [change]
            )
        )
        times.append(await wait(version) - sent)
    out["edits"] = times
    out["paragraph_words"] = statistics.mean(len(p.split()) for p in replacement)
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--words", type=int, default=10000)
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3, help="fresh servers for the cold figure")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="termlint-lsp-bench-") as tmp:
        root = Path(tmp)
        text = document(random.Random(args.seed), args.words, 0.03)
        assert text.isascii(), "the edits below count characters as UTF-16 units"
        doc = root / "draft.md"
        doc.write_text(text, encoding="utf-8")
        env = {**os.environ, "XDG_CACHE_HOME": str(root / "cache")}
        runs = [
            asyncio.run(session(root, doc, text, args.edits if i == 0 else 0, args.seed))
            for i in range(args.runs)
        ]
        check = min(
            wall(
                [sys.executable, "-m", "termlint", "check", "--no-cache", "-q", str(doc)], env, root
            )
            for _ in range(args.runs)
        )
        spacy = min(
            wall([sys.executable, "-c", "import spacy"], env, root) for _ in range(args.runs)
        )
    edits = sorted(runs[0]["edits"])
    ms = 1000
    print(
        f"termlint lsp on a {len(text.split())}-word draft ({len(text) // 1024} KiB, "
        f"{runs[0]['diagnostics']} diagnostics), best of {args.runs} fresh servers\n"
    )
    print("| measure | time |")
    print("|---|---|")
    print(
        f"| first diagnostics after didOpen (cold server) | "
        f"{min(r['open'] for r in runs) * ms:.0f} ms |"
    )
    print(
        f"| first diagnostics from starting the process | "
        f"{min(r['process'] for r in runs) * ms:.0f} ms |"
    )
    print(f"| budget: cold `termlint check` of the file | {check * ms:.0f} ms |")
    print(f"| budget: `import spacy` + 0.2 s | {(spacy + 0.2) * ms:.0f} ms |")
    print(
        f"| paragraph edit (~{runs[0]['paragraph_words']:.0f} words) → diagnostics, median "
        f"of {len(edits)} | {statistics.median(edits) * ms:.1f} ms |"
    )
    print(
        f"| paragraph edit → diagnostics, 90th percentile | "
        f"{edits[int(0.9 * (len(edits) - 1))] * ms:.1f} ms |"
    )
    print(f"| paragraph edit → diagnostics, slowest | {edits[-1] * ms:.1f} ms |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
