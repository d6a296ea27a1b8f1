"""unused-suppression: a termlint-disable… comment that hides nothing is reported."""

from __future__ import annotations

import pytest

from termlint.pipeline import lint_text, load_project
from termlint.project.config import Config

AMBIGUOUS = "AI labs should prepare for scheming before the next model ships."
# a clear use of another term: a clear "in-context scheming" here frames the whole document,
# so the bare use above it is read in that sense too
CLEAR = "AI labs should prepare for models sandbagging evaluations before the next model ships."


def unused(lint, text):
    return [d for d in lint(text).diagnostics if d.rule == "unused-suppression"]


@pytest.mark.parametrize(
    "text",
    [
        f"<!-- termlint-disable-next-line ambiguous-term -->\n{CLEAR}\n",
        f"{CLEAR} <!-- termlint-disable-line ambiguous-term -->\n",
        f"<!-- termlint-disable ambiguous-term -- quoting -->\n\n{CLEAR}\n\n"
        "<!-- termlint-enable ambiguous-term -->\n",
        f"<!-- termlint-disable -->\n\n{CLEAR}\n",  # every rule, still nothing
        "<!-- termlint-disable TL201 -->\n\nNo glossary term here at all.\n",  # by code; no term
    ],
)
def test_a_comment_that_hides_nothing_is_reported(lint, text):
    [d] = unused(lint, text)
    assert d.severity == "info" and d.line == 1
    assert d.match.startswith("<!--") and d.match.endswith("-->")
    assert "hides no finding" in d.message and "termlint-" in d.message
    assert d.column == (1 if text.startswith("<") else len(CLEAR) + 2)


@pytest.mark.parametrize(
    "text",
    [
        f"<!-- termlint-disable-next-line ambiguous-term -->\n{AMBIGUOUS}\n",
        f"{AMBIGUOUS} <!-- termlint-disable-line ambiguous-term -->\n",
        f"<!-- termlint-disable -->\n\n{AMBIGUOUS}\n\n<!-- termlint-enable -->\n",
        f"<!-- termlint-disable-next-line TL201 -- a quote -->\n{AMBIGUOUS}\n",
    ],
)
def test_a_comment_that_hides_a_finding_is_not_reported(lint, text):
    result = lint(text)
    assert [d.rule for d in result.diagnostics] == []
    assert result.unused_suppressions == []


def test_only_the_stale_one_of_two_is_reported(lint):
    text = (
        f"<!-- termlint-disable-next-line ambiguous-term -->\n{AMBIGUOUS}\n\n"
        f"<!-- termlint-disable-next-line ambiguous-term -->\n{CLEAR}\n"
    )
    [d] = unused(lint, text)
    assert d.line == 4


def test_comment_in_code_is_not_a_suppression(lint):
    text = f"```\n<!-- termlint-disable ambiguous-term -->\n```\n\n{CLEAR}\n"
    assert unused(lint, text) == []


def test_a_comment_naming_unused_suppression_silences_it(lint):
    text = (
        "<!-- termlint-disable unused-suppression -- kept for the next draft -->\n\n"
        f"<!-- termlint-disable-next-line ambiguous-term -->\n{CLEAR}\n"
    )
    assert unused(lint, text) == []


def test_rules_switched_off_in_the_configuration(tmp_path):
    project = load_project(
        config=Config(root=tmp_path, disable=["undefined-term"]), use_cache=False
    )
    text = f"<!-- termlint-disable-next-line undefined-term -->\n{CLEAR}\n"
    assert lint_text(text, "d.md", project).diagnostics == []  # may matter elsewhere
    off = load_project(
        config=Config(root=tmp_path, disable=["unused-suppression"]), use_cache=False
    )
    text = f"<!-- termlint-disable-next-line ambiguous-term -->\n{CLEAR}\n"
    result = lint_text(text, "d.md", off)
    assert result.diagnostics == [] and len(result.unused_suppressions) == 1


def test_unknown_rule_in_a_document_without_terms_is_an_error(project):
    result = lint_text("<!-- termlint-disable no-such-rule -->\n\nPlain text.\n", "d.md", project)
    assert result.error is not None and "no-such-rule" in str(result.error)
