"""Generate a Markdown corpus of alignment-style prose for the benchmark.

Deterministic (seeded). Sentences are assembled from phrase pools, with glossary terms at a
realistic density, plus headings, lists, tables, code blocks and links.
"""

from __future__ import annotations

import random
from pathlib import Path

SUBJECTS = [
    "The model",
    "A frontier system",
    "The policy",
    "Our agent",
    "The assistant",
    "Each checkpoint",
    "The trained network",
    "A language model",
    "The red team",
    "The evaluation team",
    "The lab",
    "This post",
    "The report",
    "Reviewers",
]
VERBS = [
    "appears to",
    "was observed to",
    "may",
    "tends to",
    "is expected to",
    "would",
    "could plausibly",
    "did not",
    "seems to",
    "was trained to",
]
OBJECTS = [
    "follow the instructions in its prompt",
    "answer every request politely",
    "refuse harmful tasks",
    "summarise the document",
    "pass the capability benchmark",
    "write clean code",
    "report its own uncertainty",
    "ask clarifying questions",
    "improve on the baseline",
    "generalise to new environments",
    "explain its reasoning step by step",
    "complete the agentic task on time",
]
TAILS = [
    "in most of the runs we looked at",
    "according to the logs",
    "under the new setup",
    "when the reward signal was noisy",
    "after another round of fine-tuning",
    "across three random seeds",
    "on the held-out split",
    "without any extra scaffolding",
    "in the second half of training",
    "once the monitor was switched on",
]
TERM_SENTENCES = [
    "Carlsmith asks whether SGD would select a schemer with beyond-episode goals.",
    "In the control evaluation we treat the untrusted model as a worst-case schemer.",
    "The scratchpad showed scheming reasoning that any CoT monitor would catch.",
    "Given a goal in its system prompt, the model showed in-context scheming.",
    "Labs should prepare for scheming before the next deployment.",
    "The model may be sandbagging the capability evaluation.",
    "Alignment faking in the free-tier condition produced a compliance gap.",
    "Much of this may be the model role-playing a scheming persona.",
    "Deceptive alignment in the mesa-optimizer sense needs a learned objective.",
    "Situational awareness is a prerequisite for training-gaming.",
]


INLINE = [
    lambda w: f"*{w}*",
    lambda w: f"**{w}**",
    lambda w: f"`{w}`",
    lambda w: f"[{w}](https://example.org/{w.lower()})",
    lambda w: f"{w}[^{len(w)}]",
    lambda w: f"_{w}_",
    lambda w: w,
    lambda w: w,
    lambda w: w,
    lambda w: w,
]


def sentence(rng: random.Random, term_rate: float) -> str:
    if rng.random() < term_rate:
        return rng.choice(TERM_SENTENCES)
    words = (
        f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(TAILS)}"
    ).split()
    # Real drafts carry inline markup: emphasis, code, links and footnote references.
    for _ in range(rng.randint(0, 2)):
        i = rng.randrange(1, len(words))
        words[i] = rng.choice(INLINE)(words[i])
    return " ".join(words) + "."


def document(rng: random.Random, words: int, term_rate: float) -> str:
    out: list[str] = [f"# Notes on experiment {rng.randint(1, 999)}", ""]
    count = 0
    section = 0
    while count < words:
        kind = rng.random()
        if kind < 0.08:
            section += 1
            out += [f"## Section {section}: findings", ""]
        elif kind < 0.16:
            items = [f"- {sentence(rng, term_rate)}" for _ in range(rng.randint(2, 5))]
            out += items + [""]
            count += sum(len(i.split()) for i in items)
        elif kind < 0.20:
            out += ["| setting | result | note |", "|---|---|---|"]
            for _ in range(rng.randint(2, 4)):
                row = f"| run {rng.randint(1, 99)} | {rng.random():.2f} | {sentence(rng, 0.05)} |"
                out.append(row)
                count += len(row.split())
            out.append("")
        elif kind < 0.24:
            out += [
                "```python",
                "def score(model, batch):",
                "    return model(batch).logits.mean()  # no prose here",
                "```",
                "",
            ]
        else:
            para = " ".join(sentence(rng, term_rate) for _ in range(rng.randint(3, 7)))
            if rng.random() < 0.2:
                para += " See [the appendix](https://example.org/appendix) for details."
            out += [para, ""]
            count += len(para.split())
    return "\n".join(out) + "\n"


def write_corpus(
    folder: Path,
    total_words: int,
    words_per_file: int = 5000,
    term_rate: float = 0.03,
    seed: int = 7,
) -> list[Path]:
    """Write ``total_words`` of Markdown in files of about ``words_per_file`` words."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    written = 0
    i = 0
    while written < total_words:
        text = document(rng, words_per_file, term_rate)
        path = folder / f"doc{i:05d}.md"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
        written += len(text.split())
        i += 1
    return paths
