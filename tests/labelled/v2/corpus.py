#!/usr/bin/env python3
"""Tools for the second labelled corpus (tests/labelled/v2): check, blank, merge, stats.

Standalone on purpose (PyYAML only), so writers and readers can run it without termlint:

    python tests/labelled/v2/corpus.py check FILE...       validate; fill in each use's `at`
    python tests/labelled/v2/corpus.py blank FILE OUT      the texts and uses without labels
    python tests/labelled/v2/corpus.py merge FILE READER   add reader B's labels (`b`) to FILE
    python tests/labelled/v2/corpus.py stats [FILE...]     counts, agreement, Cohen's kappa
    python tests/labelled/v2/corpus.py card [FILE...]      the data card's tables (Markdown)

A file is a YAML mapping: {meta: {...}, items: [{id, kind, register, text, uses: [...]}]}.
Each use: {term, match, a: LABEL, b: LABEL (added by merge), at: OFFSET (filled by check),
gold: LABEL (only where an adjudication rule set it), why: ...}.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
TERMS = {
    "scheming": [
        "scheming",
        "schemer",
        "schemers",
        "schemer's",
        "schemers'",
        "scheme",
        "schemes",
        "schemed",
    ],
    "alignment-faking": [
        "alignment faking",
        "alignment faker",
        "alignment fakers",
        "fake alignment",
        "fakes alignment",
        "faking alignment",
        "faked alignment",
    ],
    "deceptive-alignment": [
        "deceptive alignment",
        "deceptively aligned",
        "deceptive instrumental alignment",
    ],
    "sandbagging": [
        "sandbagging",
        "sandbagged",
        "sandbag",
        "sandbags",
        "sandbagger",
        "sandbaggers",
    ],
}
SENSES = {
    "scheming": [
        "power-motivated-training-gamer",
        "goal-guarding-schemer",
        "worst-case-model",
        "worst-case-assumption",
        "misaligned-power-seeker",
        "visible-cot-gaming",
        "roleplay",
        "in-context-scheming",
        "covert-pursuit",
        "loose-ai",
        "colloquial",
    ],
    "alignment-faking": [
        "misrepresenting-alignment",
        "selective-compliance",
        "oversight-conditional",
    ],
    "deceptive-alignment": ["mesa-optimizer-lineage", "scheming-synonym"],
    "sandbagging": [
        "ai-strategic-underperformance",
        "research-sabotage",
        "training-sandbagging",
        "developer-sandbagging",
        "colloquial",
    ],
}
#: Narrower senses: a reader who names the broader one agrees with one who names the narrower.
BROADER = {
    "goal-guarding-schemer": "power-motivated-training-gamer",
    "worst-case-assumption": "worst-case-model",
}
OTHER_LABELS = ["ambiguous", "mention", "none"]
KINDS = {"document", "passage"}


def form_pattern() -> re.Pattern[str]:
    forms = sorted({f for fs in TERMS.values() for f in fs}, key=len, reverse=True)
    alts = [r"[\s\-]+".join(re.escape(w) for w in f.split()) for f in forms]
    return re.compile(r"(?<![\w])(?:" + "|".join(alts) + r")(?![\w])", re.I)


FORMS = form_pattern()


def term_of(surface: str) -> str | None:
    key = re.sub(r"[\s\-]+", " ", surface.lower()).replace("’", "'")
    for term, forms in TERMS.items():
        if key in forms:
            return term
    return None


def load(path: Path) -> dict:
    with path.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        raise SystemExit(f"{path}: expected a mapping with `meta` and a list `items`")
    return data


def labels_for(term: str) -> set[str]:
    return set(SENSES[term]) | set(OTHER_LABELS)


def check_file(path: Path, write: bool = True, seen_ids: set[str] | None = None) -> list[str]:
    """Problems in one file (empty when fine); fills in `at` for every use."""
    data = load(path)
    problems: list[str] = []
    seen_ids = set() if seen_ids is None else seen_ids
    for n, item in enumerate(data["items"]):
        where = f"{path}: item {n + 1} ({item.get('id', '?')})"
        if not isinstance(item, dict):
            problems.append(f"{where}: not a mapping")
            continue
        for key in ("id", "kind", "register", "text"):
            if not item.get(key):
                problems.append(f"{where}: missing `{key}`")
        if item.get("id") in seen_ids:
            problems.append(f"{where}: duplicate id")
        seen_ids.add(item.get("id"))
        if item.get("kind") not in KINDS:
            problems.append(f"{where}: kind must be one of {sorted(KINDS)}")
        text = item.get("text") or ""
        uses = item.get("uses")
        if uses is None:
            uses = item["uses"] = []
        found = list(FORMS.finditer(text))
        if len(found) != len(uses):
            listed = [u.get("match") for u in uses]
            problems.append(
                f"{where}: the text has {len(found)} term forms "
                f"{[m.group() for m in found]} but {len(uses)} uses are listed "
                f"{listed}; list every form in order (label `none` for non-uses)"
            )
            continue
        if item.get("kind") == "document":
            words = len(text.split())
            if not 500 <= words <= 3200:
                problems.append(f"{where}: a document should have 500–3,000 words (has {words})")
        for m, use in zip(found, uses, strict=True):
            if not isinstance(use, dict):
                problems.append(f"{where}: a use is not a mapping")
                continue
            surface = m.group()
            if (
                str(use.get("match", "")).lower().split()
                != surface.lower().replace("-", " ").split()
                and str(use.get("match", "")).lower() != surface.lower()
            ):
                problems.append(
                    f"{where}: use {use.get('match')!r} does not line up with the "
                    f"text's next form {surface!r} at offset {m.start()}"
                )
                continue
            term = use.get("term")
            if term not in TERMS:
                problems.append(f"{where}: unknown term {term!r}")
                continue
            if term_of(surface) != term:
                problems.append(f"{where}: {surface!r} is a form of {term_of(surface)}, not {term}")
            for reader in ("a", "b", "gold"):
                allowed = labels_for(term) | ({"disputed"} if reader == "gold" else set())
                if reader in use and use[reader] not in allowed:
                    problems.append(
                        f"{where}: label {reader}={use[reader]!r} is not one of "
                        f"{sorted(labels_for(term))}"
                    )
            if "a" not in use:
                problems.append(f"{where}: use {surface!r} has no label `a`")
            use["match"] = surface
            use["at"] = m.start()
    if write and not problems:
        dump(data, path)
    return problems


def dump(data: dict, path: Path, keep: bool = False) -> None:
    class Dumper(yaml.SafeDumper):
        pass

    def text_block(dumper, value):
        style = "|" if "\n" in value else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    Dumper.add_representer(str, text_block)
    for item in [] if keep else data["items"]:
        if isinstance(item.get("text"), str) and not item["text"].endswith("\n"):
            item["text"] += "\n"
        item["text"] = "\n".join(line.rstrip() for line in item["text"].split("\n"))
        item["uses"] = [
            {k: u[k] for k in ("term", "match", "at", "a", "b", "gold", "why") if k in u}
            for u in item.get("uses", [])
        ]
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        yaml.dump(data, fh, Dumper=Dumper, allow_unicode=True, sort_keys=False, width=100)
    tmp.replace(path)


def flow_uses(path: Path) -> None:
    """Rewrite `uses` entries one per line (readable diffs)."""
    lines = path.read_text(encoding="utf-8").split("\n")
    out, i = [], 0
    while i < len(lines):
        line = lines[i]
        m = re.match(r"^(\s*)- term: (.*)$", line)
        if m:
            indent, fields = m.group(1), [f"term: {m.group(2)}"]
            j = i + 1
            while j < len(lines) and re.match(rf"^{indent}  \w+: ", lines[j]):
                fields.append(lines[j].strip())
                j += 1
            out.append(f"{indent}- {{{', '.join(fields)}}}")
            i = j
            continue
        out.append(line)
        i += 1
    flowed = "\n".join(out)
    try:
        same = yaml.safe_load(flowed) == yaml.safe_load("\n".join(lines))
    except yaml.YAMLError:
        same = False
    if same:  # only when it reads the same
        path.write_text(flowed, encoding="utf-8")


def blank(path: Path, out: Path) -> None:
    """The texts and their uses, numbered, without any label: what reader B sees. Each use is
    marked in the text as [[N: word]] so the reader can find it."""
    data = load(path)
    items = []
    for item in data["items"]:
        text = item["text"]
        marked, last = [], 0
        for k, u in enumerate(item.get("uses", [])):
            at = u["at"]
            marked.append(text[last:at])
            marked.append(f"[[{k + 1}: {text[at : at + len(u['match'])]}]]")
            last = at + len(u["match"])
        marked.append(text[last:])
        items.append(
            {
                "id": item["id"],
                "kind": item["kind"],
                "text": "".join(marked),
                "uses": [
                    {"n": k + 1, "term": u["term"], "match": u["match"], "label": "TODO"}
                    for k, u in enumerate(item.get("uses", []))
                ],
            }
        )
    dump({"source": path.name, "items": items}, out, keep=True)


def merge(path: Path, reader: Path) -> list[str]:
    data = load(path)
    rdata = yaml.safe_load(reader.read_text(encoding="utf-8"))
    by_id = {it["id"]: it for it in rdata["items"]}
    problems = []
    for item in data["items"]:
        r = by_id.get(item["id"])
        if r is None:
            problems.append(f"{reader}: no labels for item {item['id']}")
            continue
        if len(r["uses"]) != len(item["uses"]):
            problems.append(
                f"{reader}: item {item['id']} has {len(r['uses'])} uses, "
                f"expected {len(item['uses'])}"
            )
            continue
        for use, ruse in zip(item["uses"], r["uses"], strict=True):
            if ruse["label"] not in labels_for(use["term"]):
                problems.append(
                    f"{reader}: item {item['id']} use {ruse['n']}: label {ruse['label']!r} unknown"
                )
                continue
            use["b"] = ruse["label"]
    if not problems:
        dump(data, path)
        flow_uses(path)
    return problems


def gold(use: dict) -> str | None:
    """The label scored against, by the written rules in README.md; None = not scored.

    - both readers agree (a broader and a narrower sense of one family agree, as the broader);
    - one says `ambiguous` and the other a sense: `disputed` (a clarity dispute);
    - otherwise an adjudicated `gold` on the use decides; without one the use is unscored.
    """
    if "gold" in use:
        return use["gold"]
    a, b = use.get("a"), use.get("b")
    if b is None:
        return a
    if a == b:
        return a
    if BROADER.get(a) == b or BROADER.get(b) == a:
        return BROADER.get(a, a) if BROADER.get(a) == b else BROADER.get(b, b)
    if "ambiguous" in (a, b) and not {a, b} & {"mention", "none"}:
        return "disputed"
    return None


def stats(paths: list[Path]) -> None:
    per = Counter()
    pairs: list[tuple[str, str]] = []
    in_docs = total = 0
    words = 0
    for path in paths:
        data = load(path)
        split = data.get("meta", {}).get("split", path.parent.name)
        for item in data["items"]:
            if item.get("kind") == "document":
                words += len(item["text"].split())
            for use in item.get("uses", []):
                if use.get("a") == "none":
                    continue
                total += 1
                in_docs += item.get("kind") == "document"
                per[(split, use["term"], gold(use) or "unadjudicated")] += 1
                if "b" in use:
                    pairs.append((use["a"], use["b"]))
    print(f"{total} labelled uses ({in_docs} in documents, {words} document words)")
    for key, n in sorted(per.items()):
        print(f"  {key[0]:8} {key[1]:20} {key[2]:32} {n}")
    if pairs:
        raw = sum(a == b for a, b in pairs) / len(pairs)
        print(
            f"readers: {len(pairs)} uses with two labels; raw agreement {raw:.3f}; "
            f"kappa {kappa(pairs):.3f}; clarity kappa "
            f"{kappa([(a == 'ambiguous', b == 'ambiguous') for a, b in pairs]):.3f}"
        )


def card(paths: list[Path]) -> str:
    """The data card's tables, in Markdown: uses per split, term and label (as scored), and
    the two readers' agreement per split."""
    per: dict = {}
    pairs: dict = {}
    docs: Counter = Counter()
    for path in paths:
        data = load(path)
        split = data.get("meta", {}).get("split", path.parent.name)
        for item in data["items"]:
            for use in item.get("uses", []):
                if use.get("a") == "none" and use.get("b", "none") == "none":
                    continue
                label = gold(use) or "unscored"
                per.setdefault(use["term"], Counter())[(split, label)] += 1
                docs[(split, item.get("kind"))] += 1
                if "b" in use:
                    pairs.setdefault(split, []).append((use["a"], use["b"]))
    splits = sorted({s for c in per.values() for s, _ in c})
    out = [
        "| term | label | " + " | ".join(splits) + " | all |",
        "|---|---|" + "---:|" * (len(splits) + 1),
    ]
    for term in sorted(per):
        for label in sorted({lab for _, lab in per[term]}):
            row = [per[term][(s, label)] for s in splits]
            out.append(f"| {term} | {label} | " + " | ".join(map(str, row)) + f" | {sum(row)} |")
    totals = [sum(c[(s, lab)] for c in per.values() for (s2, lab) in c if s2 == s) for s in splits]
    out.append("| **all** | | " + " | ".join(map(str, totals)) + f" | {sum(totals)} |")
    in_docs = [docs[(s, "document")] for s in splits]
    out.append("| in whole documents | | " + " | ".join(map(str, in_docs)) + f" | {sum(in_docs)} |")
    out += [
        "",
        "| split | uses with two labels | raw agreement | Cohen's kappa (label) | "
        "kappa (clear vs ambiguous) |",
        "|---|---:|---:|---:|---:|",
    ]
    for split in splits:
        pr = pairs.get(split, [])
        if pr:
            raw = sum(a == b for a, b in pr) / len(pr)
            clar = kappa([(a == "ambiguous", b == "ambiguous") for a, b in pr])
            out.append(f"| {split} | {len(pr)} | {raw:.3f} | {kappa(pr):.3f} | {clar:.3f} |")
    return "\n".join(out)


def kappa(pairs) -> float:
    n = len(pairs)
    if not n:
        return float("nan")
    po = sum(a == b for a, b in pairs) / n
    ca, cb = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    pe = sum(ca[k] * cb[k] for k in set(ca) | set(cb)) / (n * n)
    return (po - pe) / (1 - pe) if pe < 1 else 1.0


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0
    cmd, args = argv[0], argv[1:]
    if cmd == "check":
        problems = []
        for p in args:
            problems += check_file(Path(p))
            if not problems:
                flow_uses(Path(p))
        print("\n".join(problems) or f"ok: {len(args)} file(s)")
        return 1 if problems else 0
    if cmd == "blank":
        blank(Path(args[0]), Path(args[1]))
        return 0
    if cmd == "merge":
        problems = merge(Path(args[0]), Path(args[1]))
        print("\n".join(problems) or "merged")
        return 1 if problems else 0
    if cmd == "card":
        print(
            card(
                [Path(p) for p in args]
                or sorted(p for p in HERE.glob("*/*.yaml") if p.parent.name != "readers")
            )
        )
        return 0
    if cmd == "stats":
        stats(
            [Path(p) for p in args]
            or sorted(p for p in HERE.glob("*/*.yaml") if p.parent.name != "readers")
        )
        return 0
    print(f"unknown command {cmd!r}\n{__doc__}")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
