"""The glossary site in a real browser (Debian's Chromium driven by Playwright), from file://.

Skipped when /usr/bin/chromium is missing, unless the environment variable CI is set: in CI a
missing browser fails the run. Screenshots go to $TERMLINT_ARTIFACTS (default: test-artifacts/).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from termlint.glossary.entries import Glossary, load_glossary
from termlint.rules.load import load_rules
from termlint.site.build import build_site, search_index, search_text, split_label

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def artifacts_dir() -> Path:
    folder = Path(os.environ.get("TERMLINT_ARTIFACTS") or REPO / "test-artifacts")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing (install Debian's chromium package)"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; CI is set, so the browser tests must run")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Glossary, Path]:
    glossary = load_glossary(use_cache=False)
    out = tmp_path_factory.mktemp("site")
    build_site(glossary, load_rules(), out)
    return glossary, out


class Visit:
    """A browser page that records every request and every console error."""

    def __init__(self, browser: Any, viewport: dict[str, int], color_scheme: str = "light"):
        self.context = browser.new_context(viewport=viewport, color_scheme=color_scheme)
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def _route(self, route: Any) -> None:
        url = route.request.url
        self.requests.append(url)
        if url.startswith("file://"):
            route.continue_()
        else:
            route.abort()

    def open(self, out: Path, name: str) -> Any:
        self.page.goto(
            (out / name).as_uri()
            if "#" not in name and "?" not in name
            else out.as_uri() + "/" + name
        )
        return self.page

    def assert_clean(self) -> None:
        assert self.errors == [], "console errors"
        outside = [u for u in self.requests if not u.startswith("file://")]
        assert outside == [], "requests left the machine"
        assert self.requests, "no request was recorded at all"


@pytest.fixture
def visit(browser: Any) -> Iterator[Visit]:
    v = Visit(browser, DESKTOP)
    yield v
    v.context.close()


def _visible_terms(page: Any) -> list[str]:
    return page.eval_on_selector_all(
        "li.term", "els => els.filter(e => e.offsetParent !== null).map(e => e.dataset.term)"
    )


def _unique_sense_query(glossary: Glossary) -> tuple[str, str, str]:
    """A sense label that the search box should narrow to one term (and to that sense).

    Mirrors search.js: a sense matches on its words plus its term's names; a term matches on
    its names plus its summary. Prefers scheming's worst-case sense, the one the brief names.
    """
    index = search_index(glossary)["terms"]

    def has_all(text: str, words: list[str]) -> bool:
        padded = " " + text
        return all(" " + w in padded for w in words)

    candidates = [(t, s) for t in glossary.terms.values() for s in t.senses]
    candidates.sort(key=lambda ts: (ts[1].id != "worst-case-model", ts[0].id, ts[1].id))
    for term, sense in candidates:
        query = split_label(sense.label)[0]
        words = search_text(query).split()
        shown = {
            t["id"]
            for t in index
            if has_all(t["names"] + " " + t["text"], words)
            or any(has_all(t["names"] + " " + s["text"], words) for s in t["senses"])
        }
        entry = next(t for t in index if t["id"] == term.id)
        hits = [
            s["id"] for s in entry["senses"] if has_all(entry["names"] + " " + s["text"], words)
        ]
        if shown == {term.id} and (len(term.senses) == 1 or hits == [sense.id]):
            return query, term.id, sense.id
    pytest.fail("no sense label in the glossary is unique enough to search for")


def test_index_loads_from_file_url(visit, site):
    glossary, out = site
    page = visit.open(out, "index.html")
    assert page.url.startswith("file://")
    assert "Glossary" in page.title()
    assert sorted(_visible_terms(page)) == sorted(glossary.terms)
    n = len(glossary.terms)
    assert page.text_content("#search-status") == f"{n} term{'' if n == 1 else 's'}."
    visit.assert_clean()


def test_typing_narrows_to_the_right_term_and_sense(visit, site):
    glossary, out = site
    query, term_id, sense_id = _unique_sense_query(glossary)
    page = visit.open(out, "index.html")
    page.locator("#q").press_sequentially(query, delay=5)
    assert _visible_terms(page) == [term_id]
    if glossary.terms[term_id].multi_sense:
        shown = page.eval_on_selector_all(
            f'li.term[data-term="{term_id}"] li[data-sense]',
            "els => els.filter(e => e.offsetParent !== null).map(e => [e.dataset.sense, "
            "e.classList.contains('hit')])",
        )
        assert shown == [[sense_id, True]]
    assert "1 term" in page.text_content("#search-status")

    page.fill("#q", "zzqx nothing matches this")
    assert _visible_terms(page) == []
    assert page.text_content("#search-status").startswith("No term or sense matches")
    page.press("#q", "Escape")
    assert len(_visible_terms(page)) == len(glossary.terms)

    page.fill("#q", query)
    page.press("#q", "Enter")
    page.wait_for_url(re.compile(re.escape(f"{term_id}.html")))
    visit.assert_clean()


def test_sense_anchor_scrolls_into_view(visit, site):
    _, out = site
    page = visit.open(out, "scheming.html#worst-case-model")
    page.wait_for_load_state("load")
    box = page.evaluate("""() => {
        const r = document.getElementById('worst-case-model').getBoundingClientRect();
        return {top: r.top, scrollY: window.scrollY, target: document.querySelector(':target').id};
    }""")
    assert box["target"] == "worst-case-model"
    assert box["scrollY"] > 0
    assert 0 <= box["top"] < 100
    visit.assert_clean()


def test_comparison_table_is_shown(visit, site):
    glossary, out = site
    term = glossary.terms["scheming"]
    page = visit.open(out, "scheming.html")
    table = page.locator("table.comparison")
    assert table.is_visible()
    headers = table.locator("thead th").all_text_contents()
    assert len(headers) == len(term.senses) + 1
    assert table.locator("tbody tr").count() >= len(term.features)
    page.click(f'table.comparison thead a[href="#{term.senses[-1].id}"]')
    assert page.evaluate("location.hash") == f"#{term.senses[-1].id}"
    visit.assert_clean()


def test_every_kind_of_page_loads_cleanly(visit, site):
    """Index, bibliography, every rule page and the terms with the most senses."""
    glossary, out = site
    busiest = sorted(glossary.terms.values(), key=lambda t: (-len(t.senses), t.id))[:3]
    names = ["index.html", "sources.html"] + [f"{t.id}.html" for t in busiest]
    names += [p.relative_to(out).as_posix() for p in sorted((out / "rules").glob("*.html"))]
    for name in names:
        page = visit.open(out, name)
        assert page.locator("h1").count() == 1, name
        assert page.evaluate("getComputedStyle(document.body).fontFamily"), name
    visit.assert_clean()


@pytest.mark.parametrize(("name", "viewport"), [("desktop", DESKTOP), ("phone", PHONE)])
def test_screenshots_and_layout(browser, site, name, viewport):
    _, out = site
    folder = artifacts_dir()
    for scheme in ("light", "dark"):
        v = Visit(browser, viewport, scheme)
        try:
            page = v.open(out, "index.html")
            page.screenshot(path=str(folder / f"index-{name}-{scheme}.png"), full_page=True)
            page = v.open(out, "scheming.html")
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= viewport["width"], f"the page scrolls sideways at {name} width"
            page.screenshot(path=str(folder / f"scheming-{name}-{scheme}.png"))
            page.evaluate("document.getElementById('_compare').scrollIntoView()")
            page.screenshot(path=str(folder / f"scheming-table-{name}-{scheme}.png"))
            page = v.open(out, "scheming.html#worst-case-model")
            page.screenshot(path=str(folder / f"scheming-sense-{name}-{scheme}.png"))
            background = page.evaluate("getComputedStyle(document.body).backgroundColor")
            dark = sum(map(int, re.findall(r"\d+", background)[:3])) < 3 * 128
            assert dark == (scheme == "dark"), background
            v.assert_clean()
        finally:
            v.context.close()
    assert (folder / f"index-{name}-light.png").stat().st_size > 0


def test_print_stylesheet_hides_navigation(visit, site):
    _, out = site
    page = visit.open(out, "scheming.html")
    assert page.is_visible("header.site")
    page.emulate_media(media="print")
    assert not page.is_visible("header.site")
    assert page.is_visible("table.comparison")
    page.pdf(path=str(artifacts_dir() / "scheming-print.pdf"))
    visit.assert_clean()


# -- read as a reader would (issue 17, item 5) -------------------------------------------


def test_slash_focuses_the_search_box_and_rules_are_filtered(visit, site):
    _, out = site
    page = visit.open(out, "index.html")
    page.locator("h1").click()
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement && document.activeElement.id") == "q"
    assert page.input_value("#q") == ""  # the slash itself is not typed
    page.keyboard.type("suppression")
    shown = page.eval_on_selector_all(
        "li.rule", "els => els.filter(e => e.offsetParent !== null).map(e => e.dataset.rule)"
    )
    assert shown == ["unused-suppression"]
    assert "1 rule also matches" in page.text_content("#search-status")
    page.fill("#q", "zzqx nothing matches this")
    assert page.is_hidden("#_rules")
    page.press("#q", "Escape")
    assert page.eval_on_selector_all("li.rule", "els => els.filter(e => !e.hidden).length") == 4
    visit.assert_clean()


@pytest.mark.parametrize(("name", "viewport"), [("desktop", DESKTOP), ("phone", PHONE)])
def test_the_table_of_contents_stays_in_view_on_a_long_page(browser, site, name, viewport):
    _, out = site
    v = Visit(browser, viewport)
    try:
        page = v.open(out, "scheming.html")
        page.evaluate("window.scrollTo(0, document.body.scrollHeight * 0.6)")
        box = page.evaluate("""() => {
            const r = document.querySelector('nav.page-toc').getBoundingClientRect();
            return {top: r.top, bottom: r.bottom, h: window.innerHeight};
        }""")
        assert 0 <= box["top"] < box["h"] and box["bottom"] > 0, box
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        # confusions come before the first sense, and cue lists start closed
        order = page.evaluate("""() => [
            document.getElementById('_confusions').getBoundingClientRect().top,
            document.getElementById('power-motivated-training-gamer').getBoundingClientRect().top]""")
        assert order[0] < order[1]
        opened = page.eval_on_selector_all("details.cues-box", "els => els.some(e => e.open)")
        assert opened is False
        v.assert_clean()
    finally:
        v.context.close()


@pytest.mark.parametrize(("name", "viewport"), [("desktop", DESKTOP), ("phone", PHONE)])
def test_rule_pages_do_not_clip_examples(browser, site, name, viewport):
    _, out = site
    v = Visit(browser, viewport)
    try:
        for rule in sorted((out / "rules").glob("*.html")):
            page = v.open(out, rule.relative_to(out).as_posix())
            clipped = page.eval_on_selector_all(
                "pre", "els => els.filter(e => e.scrollWidth > e.clientWidth + 1).length"
            )
            assert clipped == 0, rule.name
            assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        page = v.open(out, "rules/ambiguous-term.html")
        page.click('a[href="../scheming.html"]')
        page.wait_for_url(re.compile(r"scheming\.html$"))
        v.assert_clean()
    finally:
        v.context.close()


@pytest.mark.parametrize(("name", "viewport"), [("1280", DESKTOP), ("390", PHONE)])
def test_issue17_screenshots(browser, site, name, viewport):
    """The scheming page, a new term and a rule page at 1280 and 390 px, for a person to look at."""
    _, out = site
    folder = artifacts_dir()
    v = Visit(browser, viewport)
    try:
        for page_name, shot in (
            ("scheming.html", "scheming"),
            ("exploration-hacking.html", "new-term-exploration-hacking"),
            ("sandbagging.html#research-sabotage", "sandbagging-new-sense"),
            ("rules/ambiguous-term.html", "rule-ambiguous-term"),
        ):
            page = v.open(out, page_name)
            page.screenshot(
                path=str(folder / f"issue17-{shot}-{name}.png"),
                full_page=page_name == "exploration-hacking.html",
            )
            if page_name == "scheming.html":
                page.evaluate("window.scrollTo(0, document.body.scrollHeight * 0.45)")
                page.screenshot(path=str(folder / f"issue17-scheming-scrolled-{name}.png"))
        v.assert_clean()
    finally:
        v.context.close()
    assert (folder / f"issue17-scheming-{name}.png").stat().st_size > 0
