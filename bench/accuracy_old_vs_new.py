"""The hand-tuned resolver and the learned one side by side, on every labelled split.

    git worktree add /tmp/termlint-old 9328b1e     # the last hand-tuned resolver, with the
                                                   # glossary's second edition
    python bench/accuracy_old_vs_new.py /tmp/termlint-old [--splits v1:blind4,v2:dev]

Each split is scored with the same scoring code (termlint.evaluation.evaluate) for both
versions; the old version is run in a subprocess from its own checkout, so the two never share
modules. Prints one Markdown table row per split and version.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
from termlint.evaluation.corpus import V2_SPLITS  # noqa: E402  (one list of the v2 splits)

V1_SPLITS = ["dev", "dev2", "blind3", "heldout", "fresh", "blind4"]

# Run inside either checkout: lint every text with *that* termlint, print one JSON line per
# item with what it read at each occurrence (start, status, sense, flagged).
_READER = r"""
import json, sys
try:
    from termlint.pipeline import lint_text, load_project
except ImportError:
    from termlint.engine import lint_text, load_project
project = load_project(use_cache=False)
for line in sys.stdin:
    item = json.loads(line)
    result = lint_text(item["text"], item["id"], project)
    flagged = {d.start for d in result.diagnostics if d.rule == "ambiguous-term"}
    flagged |= {r.start for d in result.diagnostics if d.rule == "ambiguous-term"
                for r in getattr(d, "related", ())}  # grouped findings list the other uses
    occs = [[o.term_id, o.start, o.end, str(o.status), o.sense, o.start in flagged,
             bool(o.mention), o.match] for o in result.occurrences]
    print(json.dumps({"id": item["id"], "occurrences": occs}), flush=True)
"""


def read_with(checkout: Path, items) -> dict[str, list]:
    env = dict(os.environ, PYTHONPATH=str(checkout), TERMLINT_NO_CACHE="1")
    payload = "".join(json.dumps({"id": i.id, "text": i.text}) + "\n" for i in items)
    out = subprocess.run(
        [sys.executable, "-c", _READER],
        input=payload,
        capture_output=True,
        text=True,
        env=env,
        check=True,
        cwd=checkout,
    ).stdout
    return {row["id"]: row["occurrences"] for row in map(json.loads, out.splitlines())}


class _Occ:
    def __init__(self, row):
        (
            self.term_id,
            self.start,
            self.end,
            self.status,
            self.sense,
            self.flagged,
            self.mention,
            self.match,
        ) = row


def score(items, readings, glossary):
    from termlint.evaluation.corpus import align_v1, gold
    from termlint.evaluation.evaluate import Scores, _extra, _missing, _score_pair

    scores = Scores()
    for item in items:
        occs = [_Occ(r) for r in readings[item.id]]
        if item.expect is not None:
            terms = {e["term"] for e in item.expect}
            occs = [o for o in occs if o.term_id in terms]
            pairs, missing, extra = align_v1(item.expect, occs)
            for a in missing:
                _missing(scores, item.id, item.expect[a]["term"], item.expect[a]["label"], a)
            for b in extra:
                _extra(scores, item.id, occs[b], occs[b].flagged)
            for b, label, a in pairs:
                _score_pair(
                    scores,
                    item.id,
                    item.expect[a]["term"],
                    label,
                    occs[b],
                    occs[b].flagged,
                    glossary,
                )
            continue
        by_start = {o.start: o for o in occs}
        for n, use in enumerate(item.uses):
            label = gold(use)
            occ = by_start.get(use.get("at"))
            if label == "none":
                continue
            if occ is None:
                _missing(scores, item.id, use["term"], label, n)
                continue
            if item.kind == "document":
                scores.document_false_flags += (
                    occ.flagged and label != "ambiguous" and not label.startswith("disputed")
                )
            _score_pair(scores, item.id, use["term"], label, occ, occ.flagged, glossary)
        if item.kind == "document":
            scores.document_words += len(item.text.split())
    return scores


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("old", type=Path, help="a checkout of the old version")
    parser.add_argument(
        "--splits",
        default=",".join(
            [f"v1:{s}" for s in V1_SPLITS] + [f"v2:{s}" for s in V2_SPLITS if s != "train"]
        ),
        help="comma-separated v1:SPLIT / v2:SPLIT",
    )
    args = parser.parse_args()
    from termlint.evaluation.corpus import LABELLED, load_corpus, load_v1
    from termlint.pipeline import load_project

    glossary = load_project(use_cache=False).glossary
    print("| split | version | precision | recall | F1 | sense accuracy | false flags / 1k words |")
    print("|---|---|---|---|---|---|---|")
    for spec in args.splits.split(","):
        corpus, _, split = spec.partition(":")
        if corpus == "v2":
            items = load_corpus((split,))
        else:
            items = load_v1(split, LABELLED)
        name = f"{corpus} {split}"
        if not items:
            continue
        for label, checkout in (("hand-tuned", args.old), ("learned", REPO)):
            s = score(items, read_with(checkout, items), glossary)
            per_k = f"{s.false_flags_per_1000_words:.2f}" if s.document_words else "–"
            print(
                f"| {name} | {label} | {s.precision:.3f} | {s.recall:.3f} | {s.f1:.3f} | "
                f"{s.sense_accuracy:.3f} | {per_k} |",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
