"""Links: none at all without a configured ``docs_url``; with one, every link termlint prints or
writes lands on a page (and an anchor) of the site ``termlint glossary build`` writes."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from conftest import write

AMBIGUOUS = "# Risks\n\nCould an AI system be scheming right now?\n"
INCONSISTENT = (
    "---\ntermlint:\n  senses: {scheming: power-motivated-training-gamer}\n---\n\n"
    "Carlsmith's schemers play along in training to gain power later.\n\n"
    "In Apollo's tests, o1 showed in-context scheming in a few per cent of rollouts.\n"
)
UNDEFINED = (
    "Labs worry about scheming. Scheming is hard to rule out.\n\n"
    "Nobody agrees how to measure scheming, and scheming may hide.\n"
)
DOCS = {"ambiguous.md": AMBIGUOUS, "inconsistent.md": INCONSISTENT, "undefined.md": UNDEFINED}
FORMATS = ("text", "json", "sarif", "github")
SITE_URL = "https://docs.example.org/termlint/glossary"


def check(run, fmt: str):
    out = run("check", *DOCS, "--format", fmt, "--fail-on", "never", "--no-color")
    assert out.exit_code == 0, out.output
    return out.stdout


@pytest.fixture
def drafts(run, tmp_path):
    for name, text in DOCS.items():
        write(tmp_path, name, text)
    return tmp_path


# -- no docs_url: no URL anywhere --------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_without_docs_url_no_url_is_printed(run, drafts, fmt):
    out = check(run, fmt)
    assert "ambiguous-term" in out and "inconsistent-sense" in out
    if fmt == "sarif":
        log = json.loads(out)
        out = json.dumps({k: v for k, v in log.items() if k != "$schema"})
        out = out.replace(drafts.as_uri() + "/", "")  # originalUriBaseIds: the checked folder
        driver = log["runs"][0]["tool"]["driver"]
        assert "informationUri" not in driver
        assert not [r for r in driver["rules"] if "helpUri" in r]
    assert "://" not in out and "termlint.example" not in out and ".html" not in out


def test_without_docs_url_text_points_to_glossary_show(run, drafts):
    out = check(run, "text")
    sees = re.findall(r"= see: (.*)", out)
    assert sees and set(sees) == {"termlint glossary show scheming"}
    shown = run("glossary", "show", "scheming")  # and that command works as printed
    assert shown.exit_code == 0 and "in-context-scheming" in shown.stdout


def test_without_docs_url_json_keeps_the_url_keys_as_null(run, drafts):
    data = json.loads(check(run, "json"))
    assert data["diagnostics"]
    for d in data["diagnostics"]:
        assert "url" in d and d["url"] is None
        assert all(s["url"] is None for s in d["suggestions"])


def test_without_docs_url_fix_how_link_refuses_and_writes_nothing(run, drafts):
    path = drafts / "ambiguous.md"
    out = run("fix", str(path), "--sense", "scheming=worst-case-model", "--how", "link")
    assert out.exit_code == 2
    assert "--how link needs docs_url" in out.output
    assert path.read_text(encoding="utf-8") == AMBIGUOUS
    # The other ways still work without a site.
    out = run("fix", str(path), "--sense", "scheming=worst-case-model", "--diff")
    assert out.exit_code == 0 and "(in the worst-case sense)" in out.stdout


def test_fix_source_refuses_link_without_docs_url(project):
    from termlint.edits.fix import fix_source
    from termlint.errors import TermlintError
    from termlint.files.source import decode

    source = decode(AMBIGUOUS.encode(), "a.md")
    with pytest.raises(TermlintError, match="needs docs_url"):
        fix_source(source, project, lambda d, o: "worst-case-model", "link")


# -- with docs_url: every link resolves into the built site ------------------------------


@pytest.fixture
def site(run, drafts):
    folder = drafts / "site"
    built = run("glossary", "build", "--out", str(folder))
    assert built.exit_code == 0, built.output
    # Where the built site is served from (a trailing slash is dropped); the test maps it back
    # to the folder. (Not a file:// URL: Markdown parsers refuse file: links in a document.)
    (drafts / ".termlint.yaml").write_text(f"docs_url: {SITE_URL}/\n", encoding="utf-8")
    return folder


def resolve(url: str, site: Path) -> None:
    """Fail unless ``url`` names a page the site has, and an element id on it if it has one."""
    base = SITE_URL + "/"
    assert url.startswith(base), url
    page, _, anchor = url[len(base) :].partition("#")
    path = site / unquote(page)
    assert path.is_file(), f"{url}: no page {page} in the site"
    if anchor:
        html = path.read_text(encoding="utf-8")
        assert f'id="{anchor}"' in html, f"{url}: no element with id {anchor!r} on {page}"


URL = re.compile(re.escape(SITE_URL) + r"[^\s)\"'>]*")


def test_with_docs_url_every_printed_link_resolves(run, drafts, site):
    seen = set()
    for fmt in FORMATS:
        out = check(run, fmt)
        urls = set(URL.findall(out))
        assert urls or fmt == "github", fmt  # ::warning lines carry no link
        for url in urls:
            resolve(url, site)
        seen |= urls
    pages = {u.split("/")[-1] for u in seen}
    assert "scheming.html" in pages  # the term page (see:, url, help)
    assert "scheming.html#in-context-scheming" in pages  # a sense (suggestions, inconsistent)
    assert "ambiguous-term.html" in pages  # a rule page (SARIF helpUri)
    sarif = json.loads(check(run, "sarif"))
    for rule in sarif["runs"][0]["tool"]["driver"]["rules"]:
        resolve(rule["helpUri"], site)
    text = check(run, "text")
    assert f"= see: {SITE_URL}/scheming.html" in text


def test_with_docs_url_fix_how_link_writes_links_that_resolve(run, drafts, site):
    path = drafts / "ambiguous.md"
    out = run("fix", str(path), "--sense", "scheming=roleplay", "--how", "link")
    assert out.exit_code == 0, out.output
    fixed = path.read_text(encoding="utf-8")
    [url] = re.findall(r"\]\(([^)]+)\)", fixed)
    assert url.endswith("/scheming.html#roleplay")
    resolve(url, site)
    again = run("check", str(path), "--format", "json", "--fail-on", "never")
    assert not json.loads(again.stdout)["diagnostics"]  # the link settles the sense


def test_with_docs_url_hover_links_resolve(run, drafts, site):
    from termlint.editor.hover import hover_markdown
    from termlint.pipeline import lint_text, load_project

    project = load_project(drafts / ".termlint.yaml")
    result = lint_text(INCONSISTENT, "inconsistent.md", project)
    urls = set()
    for occ in result.occurrences:
        urls |= set(re.findall(r"\]\((https://[^)]+)\)", hover_markdown(occ, project)))
    assert len(urls) > 3
    for url in urls:
        resolve(url, site)
