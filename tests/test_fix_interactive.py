"""`termlint fix --interactive` driven through a real terminal (a pty): the menu keeps one
order, shows the rewrite each answer makes, and takes "Na" for every remaining use."""

from __future__ import annotations

import os
import re
import select
import subprocess
import sys
import time

import pytest

pytestmark = pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pty")

PROMPT = "Sense [0]: "
#: Only against a hang (spaCy loads in the child); nothing here measures time.
GIVE_UP_AFTER = 180

DRAFT = (
    "# Notes\n"
    "\n"
    "One plan is making scheming models on purpose.\n"
    "\n"
    "Later, a model scheming against its overseers leaves traces.\n"
    "\n"
    "Weak schemers are easier to catch than strong ones.\n"
    "\n"
    "## Detecting Scheming in Frontier Models\n"
)


def drive(folder, args: list[str], answers: list[str], prompt: str = PROMPT):
    """Run ``termlint ARGS`` on a pty, typing each answer at the next prompt; return the
    exit status and everything the terminal showed."""
    master, slave = os.openpty()
    env = dict(os.environ, COLUMNS="200", TERM="xterm", NO_COLOR="1")
    proc = subprocess.Popen(
        [sys.executable, "-m", "termlint", *args],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        cwd=folder,
        env=env,
        close_fds=True,
    )
    os.close(slave)
    shown = b""
    typed = 0
    deadline = time.monotonic() + GIVE_UP_AFTER
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.5)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # the child closed the terminal
                    break
                if not chunk:
                    break
                shown += chunk
            prompts = shown.decode("utf-8", "replace").count(prompt)
            if typed < len(answers) and prompts > typed:
                os.write(master, answers[typed].encode() + b"\n")
                typed += 1
            if proc.poll() is not None and not ready:
                break
        code = proc.wait(timeout=GIVE_UP_AFTER)
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(master)
    return code, shown.decode("utf-8", "replace").replace("\r\n", "\n")


@pytest.fixture
def folder(tmp_path):
    (tmp_path / ".termlint.yaml").write_text("{}\n")
    (tmp_path / "d.md").write_text(DRAFT)
    return tmp_path


def menus(shown: str) -> list[list[str]]:
    """The sense ids each menu listed, in the order it listed them."""
    out = []
    for block in shown.split(PROMPT)[:-1]:
        out.append(re.findall(r"^  \d+\) (\S+) — ", block.rsplit("\n\n", 1)[-1], re.M))
    return out


def test_the_menu_keeps_one_order_and_shows_each_rewrite(folder):
    code, shown = drive(folder, ["fix", "d.md", "--interactive"], ["7", "3", "0"])
    assert code == 0, shown
    listed = menus(shown)
    assert len(listed) == 3  # the heading is never asked about: it is left alone
    assert listed[0] == listed[1] == listed[2]
    assert listed[0][:3] == [
        "power-motivated-training-gamer",
        "goal-guarding-schemer",
        "worst-case-model",
    ]
    assert listed[0][6] == "roleplay"
    # each option shows the words it would write, fitted to the role
    assert "`scheming` (a modifier before a noun)" in shown
    assert "→ One plan is making role-play scheming models on purpose." in shown
    assert "`scheming` (a verb)" in shown
    assert "→ Later, a model scheming (in the worst-case sense) against its overseers" in shown
    assert "`schemers` (an agent noun)" in shown
    assert "→ Weak worst-case schemers are easier" in shown
    assert "Title-Case heading “Detecting Scheming in Frontier Models”" in shown
    assert (folder / "d.md").read_text() == DRAFT.replace(
        "making scheming models", "making role-play scheming models"
    ).replace("a model scheming against", "a model scheming (in the worst-case sense) against")


def test_the_same_answer_for_every_remaining_use(folder):
    code, shown = drive(folder, ["fix", "d.md", "--interactive"], ["3a"])
    assert code == 0, shown
    assert shown.count(PROMPT) == 1  # asked once, then the answer held for the rest
    assert "every remaining use of scheming" in shown
    assert (folder / "d.md").read_text() == (
        DRAFT.replace("making scheming models", "making worst-case scheming models")
        .replace("a model scheming against", "a model scheming (in the worst-case sense) against")
        .replace("Weak schemers", "Weak worst-case schemers")
    )
    assert "fixed 3 uses in 1 file" in shown


def test_leave_every_remaining_use_alone(folder):
    code, shown = drive(folder, ["fix", "d.md", "--interactive"], ["0a"])
    assert code == 0, shown
    assert shown.count(PROMPT) == 1
    assert (folder / "d.md").read_text() == DRAFT


def test_a_bad_answer_is_asked_again(folder):
    code, shown = drive(folder, ["fix", "d.md", "--interactive"], ["99", "x", "0a"])
    assert code == 0, shown
    assert shown.count("Type a number from 0 to 11") == 2
    assert (folder / "d.md").read_text() == DRAFT


def test_declare_asks_once_and_the_answer_holds_for_other_documents(folder):
    (folder / "e.md").write_text("Scheming came up again in the review.\n")
    code, shown = drive(
        folder,
        ["fix", "d.md", "e.md", "--interactive", "--how", "declare"],
        ["3a"],
        prompt="Sense for the whole document [0]: ",
    )
    assert code == 0, shown
    assert "declares scheming: worst-case-model in the front matter" in shown
    assert shown.count("Sense for the whole document") == 1
    for name in ("d.md", "e.md"):
        assert (
            (folder / name)
            .read_text()
            .startswith("---\ntermlint:\n  senses:\n    scheming: worst-case-model\n---\n")
        )


def test_link_previews_show_the_link(folder):
    (folder / ".termlint.yaml").write_text("docs_url: https://example.org/glossary\n")
    code, shown = drive(folder, ["fix", "d.md", "--interactive", "--how", "link"], ["7", "0a"])
    assert code == 0, shown
    assert re.search(r"→ One plan is making \[scheming\]\(\S+#roleplay\) models", shown)
    assert "[scheming](" in (folder / "d.md").read_text().splitlines()[2]
