#!/usr/bin/env python3
"""Third-reader adjudication sheets for the uses two readers disagree on.

    python tests/labelled/v2/adjudicate.py make SHEET FILE...   what the third reader sees
    python tests/labelled/v2/adjudicate.py apply LABELS          write their `gold` and `why`

Only disagreements the written rules do not settle are listed (a clarity split is `disputed`
without anyone deciding); see README.md, "Two readers, disputes, adjudication".
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus


def _marked(text: str, uses: list[dict]) -> str:
    parts, last = [], 0
    for k, use in enumerate(uses):
        at = use["at"]
        parts.append(text[last:at])
        parts.append(f"[[{k + 1}: {text[at : at + len(use['match'])]}]]")
        last = at + len(use["match"])
    parts.append(text[last:])
    return "".join(parts)


def make(paths: list[str], out: str) -> None:
    items = []
    for p in paths:
        for item in corpus.load(Path(p))["items"]:
            disputes = [
                (k, u)
                for k, u in enumerate(item["uses"])
                if "b" in u and "gold" not in u and corpus.gold(u) is None
            ]
            if disputes:
                items.append(
                    {
                        "file": str(p),
                        "id": item["id"],
                        "text": _marked(item["text"], item["uses"]),
                        "disputes": [
                            {
                                "n": k + 1,
                                "term": u["term"],
                                "match": u["match"],
                                "reader_1": u["a"],
                                "reader_2": u["b"],
                                "gold": "TODO",
                                "why": "TODO",
                            }
                            for k, u in disputes
                        ],
                    }
                )
    corpus.dump({"items": items}, Path(out), keep=True)
    print(len(items), "items,", sum(len(i["disputes"]) for i in items), "disputes")


def apply(sheet: str) -> None:
    with Path(sheet).open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    by_file: dict[str, list] = {}
    for item in data["items"]:
        by_file.setdefault(item["file"], []).append(item)
    for name, items in by_file.items():
        path = Path(name)
        loaded = corpus.load(path)
        index = {i["id"]: i for i in loaded["items"]}
        for item in items:
            for dispute in item["disputes"]:
                use = index[item["id"]]["uses"][dispute["n"] - 1]
                if dispute["gold"] not in corpus.labels_for(use["term"]) | {"disputed"}:
                    raise SystemExit(
                        f"{sheet}: {item['id']} use {dispute['n']}: unknown "
                        f"label {dispute['gold']!r}"
                    )
                use["gold"] = dispute["gold"]
                use["why"] = str(dispute["why"])[:200]
        corpus.dump(loaded, path)
        corpus.flow_uses(path)
    print("applied")


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "make":
        make(sys.argv[3:], sys.argv[2])
    elif len(sys.argv) == 3 and sys.argv[1] == "apply":
        apply(sys.argv[2])
    else:
        print(__doc__)
        sys.exit(2)
