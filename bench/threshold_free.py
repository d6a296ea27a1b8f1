"""Compare sense-reader versions without the flag threshold in the way (issue 11).

F1 and "sense accuracy on clear uses" both move with the flag threshold: a variant that flags
less gains sense accuracy (a flagged clear use counts as not read) and loses recall, so two
versions at different thresholds can look better and worse at once. This prints the two
numbers no threshold touches, from one build of the model (the training command's fit):

- **clarity AUC**: how well the reader ranks the uses readers could not tell above the clear
  AI uses (the chance that an unclear use gets less clarity than a clear one);
- **top-1 sense**: on clear uses, how often the likeliest real sense is the readers' sense,
  whether or not the use would be flagged;

for the dev split (thresholds are chosen on it: read it with that in mind), dev-b (model level:
first pass by the full model, as at run time), and the out-of-fold readings of the v2 train
documents and of every training text. ``--curve`` adds a learning curve: the out-of-fold
figures when each fold model is fitted on a share of its training documents.

    python bench/threshold_free.py            # about a minute on two cores
    python bench/threshold_free.py --curve    # and four more rounds of five fits
"""

from __future__ import annotations

import argparse
import bisect
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from termlint.evaluation.corpus import load_corpus  # noqa: E402
from termlint.pipeline import load_project  # noqa: E402
from termlint.senses import decide, train  # noqa: E402
from termlint.senses.learn import Example, fit, folds  # noqa: E402

#: The writers of the v2 train split (the documents pipeline CV scores).
V2_TRAIN_WRITERS = ("ash", "birch", "cedar", "fern", "grove")


def measure(rows, glossary) -> dict:
    """Clarity AUC and top-1 sense accuracy of (example, probabilities) rows."""
    unclear, clear = [], []
    right = total = 0
    for ex, probs in rows:
        term = glossary.terms[ex.term]
        p = dict(zip(ex.candidates, probs, strict=True))
        if ex.label == "ambiguous":
            unclear.append(decide.clarity(term, p))
            continue
        sense = term.sense(ex.label)
        if sense is None:  # mentions, disputed calls
            continue
        if sense.ai:
            clear.append(decide.clarity(term, p))
        top = max((s.id for s in term.senses), key=lambda s: p[s])
        total += 1
        right += top == ex.label
    clear.sort()
    above = 0.0
    for c in unclear:
        lo, hi = bisect.bisect_left(clear, c), bisect.bisect_right(clear, c)
        above += (len(clear) - hi) + 0.5 * (hi - lo)
    pairs = len(unclear) * len(clear)
    return {
        "auc": above / pairs if pairs else float("nan"),
        "unclear": len(unclear),
        "top1": right / total if total else float("nan"),
        "right": right,
        "clear": total,
    }


def _line(name: str, m: dict) -> str:
    return (
        f"| {name} | {m['auc']:.3f} | {m['unclear']} | {m['top1']:.3f} "
        f"({m['right']} of {m['clear']}) |"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--curve", action="store_true", help="add a learning curve")
    args = parser.parse_args(argv)
    captured: dict[str, list] = {}
    choose_thresholds, choose_shifts = train.choose_thresholds, train.choose_shifts

    def thresholds(rows, glossary, shift=None):
        captured["dev"] = rows
        return choose_thresholds(rows, glossary, shift)

    def shifts(rows, glossary):
        captured["oof"] = rows
        return choose_shifts(rows, glossary)

    train.choose_thresholds, train.choose_shifts = thresholds, shifts
    try:
        project = load_project(use_cache=False)
        model, _ = train.build(project, log=lambda *a: None)
    finally:
        train.choose_thresholds, train.choose_shifts = choose_thresholds, choose_shifts
    glossary = project.glossary
    dev_b = train.prepare(load_corpus(splits=("dev-b",)), project)
    train.fill_first_pass(dev_b, lambda d: model.stage1)
    captured["dev-b"] = [
        (ex, model.stage2.probabilities(ex.features)) for ex in train.examples(dev_b, 2)
    ]
    oof = captured["oof"]
    v2 = [r for r in oof if r[0].group.split("-")[0] in V2_TRAIN_WRITERS]
    print("| readings | clarity AUC | unclear uses | top-1 sense on clear uses |")
    print("|---|---:|---:|---:|")
    print(_line("dev (thresholds chosen here)", measure(captured.get("dev", []), glossary)))
    print(_line("dev-b", measure(captured["dev-b"], glossary)))
    print(_line("out of fold, v2 train documents", measure(v2, glossary)))
    print(_line("out of fold, every training text", measure(oof, glossary)))
    if args.curve:
        _curve(oof, model, glossary)
    return 0


def _curve(oof, model, glossary) -> None:
    """Out-of-fold figures with each fold model fitted on a share of its documents (the share
    drawn once per fold, seeded). The folds are drawn over the documents that hold labelled
    uses, with the training command's seed: a second five-fold split by document, so its 1.00
    row is close to the out-of-fold line above but not the same split."""
    examples = [ex for ex, _ in oof]
    ids = sorted({ex.group for ex in examples})
    groups = folds([Example([], [], [], group=i) for i in ids], train.FOLDS, train.SEED)
    fold_of = {ids[i]: k for k, members in enumerate(groups) for i in members}
    print("\n| share of training documents | clarity AUC | top-1 sense |")
    print("|---:|---:|---:|")
    for share in (0.25, 0.5, 0.75, 1.0):
        rows = []
        for k in range(train.FOLDS):
            pool = [g for g in ids if fold_of[g] != k]
            random.Random(train.SEED + k).shuffle(pool)
            keep = set(pool[: int(len(pool) * share)])
            fitted = fit(
                [e for e in examples if e.group in keep], l2=train.L2, iterations=train.ITERATIONS
            )
            fitted.temperature = model.stage2.temperature
            rows += [
                (e, fitted.probabilities(e.features)) for e in examples if fold_of[e.group] == k
            ]
        m = measure(rows, glossary)
        print(f"| {share:.2f} | {m['auc']:.3f} | {m['top1']:.3f} |", flush=True)


if __name__ == "__main__":
    raise SystemExit(main())
