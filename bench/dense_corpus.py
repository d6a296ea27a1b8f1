"""A term-dense Markdown corpus: alignment writing about the terms themselves (issue 16).

bench/corpus.py holds a glossary term in about 3% of its sentences. Writing about these topics
is much denser: thirteen real documents held 11.6 term uses per 1,000 words, a term in most
paragraphs and a cue word ("in-context", "evals", "training", "persona") in most sentences.
This generator writes prose at that density, deterministic (seeded), with sentences assembled
from independent pools (openers, subjects, term phrases, cue clauses, tails), so no handful of
sentences repeats: a 1M-word corpus has well over a hundred thousand distinct sentences.

    python bench/dense_corpus.py OUT_FOLDER WORDS [WORDS_PER_FILE]
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

#: Uses of a glossary term per 1,000 words, as measured on the real documents.
TARGET_DENSITY = 11.6

OPENERS = [
    "",
    "",
    "",
    "In practice, ",
    "As we argued above, ",
    "On the other hand, ",
    "Still, ",
    "Importantly, ",
    "In our experiments, ",
    "According to the paper, ",
    "For what it is worth, ",
    "Put simply, ",
    "Even so, ",
    "By contrast, ",
    "In the second setting, ",
]
SUBJECTS = [
    "the model",
    "a frontier model",
    "the policy",
    "our agent",
    "the assistant",
    "each checkpoint",
    "the fine-tuned network",
    "a language model",
    "the newer model",
    "Claude 3 Opus",
    "the trained system",
    "a capable AI system",
    "the red-team model",
    "the base model",
    "an employee",
    "the student",
    "a rival firm",
    "the developer",
    "the lab",
    "the office manager",
]
#: Phrases holding one use of a glossary term each (several senses, single-sense terms too).
TERM_PHRASES = [
    "engaged in scheming",
    "showed in-context scheming",
    "was scheming against its overseers",
    "behaved like a schemer",
    "acted as a worst-case schemer",
    "was sandbagging the evaluation",
    "sandbagged the capability test",
    "started sandbagging on purpose",
    "kept sandbagging when monitored",
    "displayed alignment faking",
    "engaged in alignment faking",
    "fakes alignment during training",
    "was faking alignment in the free tier",
    "showed signs of deceptive alignment",
    "could be deceptively aligned",
    "had a compliance gap",
    "showed situational awareness",
    "was tested under AI control",
    "passed the control evaluation",
    "had a beyond-episode goal",
    "lost its corrigibility",
    "kept up training-gaming",
    "joined the collusion",
    "was scheming to win the promotion",
    "kept scheming with his friends",
    "was sandbagging the pub quiz",
    "had reward hacking in its history",
    "showed goal-guarding",
]
CUE_CLAUSES = [
    "when the system prompt gave it a goal",
    "during the in-context evaluation",
    "once it noticed the oversight mechanism",
    "while the chain of thought stayed readable",
    "under reinforcement learning from human feedback",
    "because SGD rewarded it",
    "in the role-play persona",
    "while pursuing power later",
    "on the dangerous capability evals",
    "after the training run ended",
    "when it believed it was unmonitored",
    "in the paid-tier condition",
    "with a scratchpad the monitor could read",
    "against the weaker monitor",
    "in Apollo's agentic environments",
    "as Carlsmith describes it",
    "in the simplicity argument",
    "at the office party",
    "to get ahead of his colleagues",
    "for the tax audit",
    "under the escape scenario",
    "with long-horizon goals",
    "in the deployment setting",
    "while the reward model watched",
]
PLAIN_CLAUSES = [
    "follow the instructions in its prompt",
    "answer every request politely",
    "refuse harmful tasks",
    "summarise the long document",
    "pass the benchmark",
    "write clean code",
    "report its own uncertainty",
    "ask clarifying questions",
    "improve on the baseline",
    "generalise to new environments",
    "explain its reasoning step by step",
    "finish the task on time",
    "cite its sources",
    "keep the answer short",
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
    "learned to",
    "rarely tried to",
]
TAILS = [
    "",
    "",
    " in most of the runs we looked at",
    " according to the logs",
    " under the new setup",
    " across three random seeds",
    " on the held-out split",
    " in the second half of training",
    " once the monitor was switched on",
    " in at least two transcripts",
    " by the reviewers' count",
    " as far as we can tell",
]
HEADINGS = [
    "Why the word matters",
    "Evidence from the evals",
    "What the transcripts show",
    "Threat models",
    "Objections",
    "Training and deployment",
    "Open questions",
    "Methods",
    "Results",
]
INLINE = [
    lambda w: f"*{w}*",
    lambda w: f"**{w}**",
    lambda w: f"`{w}`",
    lambda w: f"[{w}](https://example.org/{w.lower()})",
    lambda w: w,
    lambda w: w,
    lambda w: w,
    lambda w: w,
]


def _markup(rng: random.Random, text: str) -> str:
    words = text.split()
    for _ in range(rng.randint(0, 1)):
        i = rng.randrange(1, len(words))
        if words[i].isalpha():
            words[i] = rng.choice(INLINE)(words[i])
    return " ".join(words)


def sentence(rng: random.Random, term_rate: float) -> tuple[str, int]:
    """One sentence and the number of term uses written into it."""
    opener = rng.choice(OPENERS)
    subject = rng.choice(SUBJECTS)
    uses = 0
    if rng.random() < term_rate:
        body = f"{subject} {rng.choice(TERM_PHRASES)} {rng.choice(CUE_CLAUSES)}"
        uses = 1
    elif rng.random() < 0.6:
        body = (
            f"{subject} {rng.choice(VERBS)} {rng.choice(PLAIN_CLAUSES)} {rng.choice(CUE_CLAUSES)}"
        )
    else:
        body = f"{subject} {rng.choice(VERBS)} {rng.choice(PLAIN_CLAUSES)}"
    text = _markup(rng, f"{opener}{body}{rng.choice(TAILS)}")
    text = text[0].upper() + text[1:]
    return text + rng.choice([".", ".", ".", "?", "!"] if uses else ["."]), uses


def document(rng: random.Random, words: int, term_rate: float = 0.225) -> str:
    topic = rng.choice(["scheming", "sandbagging", "alignment faking"])
    out = [f"# On {topic}, part {rng.randint(1, 99)}", ""]
    count = 0
    while count < words:
        kind = rng.random()
        if kind < 0.08:
            out += [f"## {rng.choice(HEADINGS)}", ""]
        elif kind < 0.16:
            items = [f"- {sentence(rng, term_rate)[0]}" for _ in range(rng.randint(2, 4))]
            out += items + [""]
            count += sum(len(i.split()) for i in items)
        elif kind < 0.19:
            out += ["```text", "transcript: <redacted>", "```", ""]
        else:
            para = " ".join(sentence(rng, term_rate)[0] for _ in range(rng.randint(3, 6)))
            out += [para, ""]
            count += len(para.split())
    return "\n".join(out) + "\n"


def write_corpus(
    folder: Path, total_words: int, words_per_file: int = 10_000, seed: int = 11
) -> list[Path]:
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths, written, n = [], 0, 0
    while written < total_words:
        n += 1
        text = document(rng, min(words_per_file, total_words - written))
        path = folder / f"dense-{n:04d}.md"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
        written += len(text.split())
    return paths


if __name__ == "__main__":
    out, words = Path(sys.argv[1]), int(sys.argv[2])
    per = int(sys.argv[3]) if len(sys.argv) > 3 else 10_000
    files = write_corpus(out, words, per)
    print(f"{len(files)} files in {out}")
