"""The static glossary site: files, anchors, links, determinism and escaping."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import subprocess
import sys
import textwrap
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from markupsafe import escape as escape_html

from termlint.errors import TermlintError
from termlint.glossary.entries import Citation, Glossary, Source, load_glossary
from termlint.rules.load import load_rules
from termlint.site.build import build_site, is_safe_url, search_index, short_citation

REPO = Path(__file__).resolve().parent.parent

# A small glossary written for these tests: a multi-sense term whose text tries every way of
# smuggling markup into the page, and a single-sense term related to it.
TINY_SOURCES = """\
sources:
  doe2024:
    authors: [Jane Doe, Richard Roe]
    title: "On widgets <script>alert('title')</script>"
    year: 2024
    url: https://example.org/widgets
    note: "See [the notes](javascript:alert('note'))."
  x.y:z_1:
    authors: [A. Author]
    title: A key with dots, a colon and an underscore
    url: https://example.org/key
"""

TINY_WIDGET = """\
id: widget
term: widget
summary: "A *small* device. </script><script>alert('summary')</script>"
forms: [widget, widgets]
features:
  - {id: size, label: "Size <b>bold</b>", help: "How big it is."}
  - {id: moving, label: Has moving parts}
relations:
  see_also: [gizmo]
confusions:
  - "People mix up [the senses](javascript:alert('confusion')) and <img src=x onerror=alert(1)>."
sources:
  - {key: doe2024, section: "§1 <i>Intro</i>"}
senses:
  - id: tiny-widget
    label: Tiny widget (the small kind)
    definition: >-
      A widget you can hold. <script>alert(1)</script> Also see [x](javascript:alert(1)) and
      [y](JaVaScRiPt:alert(2)) and <javascript:alert(3)> and ![img](https://example.org/t.png)
      and [ok](https://example.org/ok) and [rel](gizmo.html#plain-gizmo).
    features: {size: small, moving: false}
    cues: ["pocket <script>", palm-sized]
    clarifications:
      - "tiny {match}"
      - "{match} <em>you can hold</em>"
    examples:
      clear:
        - "The tiny widget fits in a pocket <script>alert('clear')</script>."
      unclear:
        - text: "Bring the widget [now](javascript:alert('unclear'))."
          rewrite: Bring the tiny widget.
    contrasts:
      - sense: giant-widget
        text: "Smaller <u>by far</u>."
    sources:
      - {key: doe2024, section: "§2.1"}
      - {key: "x.y:z_1"}
  - id: giant-widget
    label: Giant widget
    definition: A widget as big as a house.
    features: {size: huge, moving: true}
    cues: [house-sized]
    contrasts:
      - sense: tiny-widget
        text: Larger.
    sources:
      - {key: doe2024, note: "a note with `code`"}
"""

TINY_GIZMO = """\
id: gizmo
term: Gizmo
summary: A gadget.
forms: [gizmo]
relations:
  see_also: [widget]
senses:
  - id: plain-gizmo
    label: Plain gizmo
    definition: Just a gizmo.
"""

# Markup from the data that must reach the page only as escaped text.
EVIL = ("<script>alert", "<img", "<b>bold", "<em>you", "<u>by", "<i>Intro", "</script><script>")


def write_tiny_glossary(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sources.yaml").write_text(TINY_SOURCES, encoding="utf-8")
    (folder / "widget.yaml").write_text(TINY_WIDGET, encoding="utf-8")
    (folder / "gizmo.yaml").write_text(TINY_GIZMO, encoding="utf-8")
    return folder


class Page(HTMLParser):
    """What the tests need from one HTML page: ids, links, scripts, tables and text."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.hrefs: list[str] = []
        self.scripts: list[dict[str, str | None]] = []
        self.tables: list[dict[str, object]] = []
        self.attrs: list[tuple[str, str, str | None]] = []
        self.text: list[str] = []
        self._stack: list[str] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._in_script = False
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.attrs.extend((tag, k, v) for k, v in attrs)
        if "id" in a and a["id"] is not None:
            self.ids.append(a["id"])
        if tag == "a" and a.get("href") is not None:
            self.hrefs.append(a["href"] or "")
        if tag == "script":
            self.scripts.append(a)
            self._in_script = True
        if tag == "table":
            self.tables.append({"class": a.get("class"), "rows": []})
        if tag == "tr":
            self._row = []
        if tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        if tag == "tr" and self._row is not None and self.tables:
            self.tables[-1]["rows"].append(self._row)  # type: ignore[union-attr]
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        if not self._in_script:
            self.text.append(data)

    @property
    def plain(self) -> str:
        return " ".join("".join(self.text).split())


def parse(path: Path) -> Page:
    return Page(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> tuple[Glossary, dict, Path, list[Path]]:
    """The real glossary and rules, built once for the module."""
    glossary = load_glossary(use_cache=False)
    rules = load_rules()
    out = tmp_path_factory.mktemp("site")
    return glossary, rules, out, build_site(glossary, rules, out)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> tuple[Glossary, dict, Path, list[Path]]:
    folder = write_tiny_glossary(tmp_path_factory.mktemp("tiny-glossary"))
    glossary = load_glossary([folder], use_cache=False)
    rules = load_rules()
    out = tmp_path_factory.mktemp("tiny-site")
    return glossary, rules, out, build_site(glossary, rules, out)


@pytest.fixture(params=["real", "tiny"])
def built(request: pytest.FixtureRequest) -> tuple[Glossary, dict, Path, list[Path]]:
    return request.getfixturevalue(request.param)


def html_pages(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


def test_files_exist(built):
    glossary, rules, out, written = built
    expected = {"index.html", "sources.html", "search-index.json", "style.css", "search.js"}
    expected |= {f"{t}.html" for t in glossary.terms}
    expected |= {f"rules/{r}.html" for r in rules}
    on_disk = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert on_disk == expected
    assert sorted(written) == written
    assert {p.relative_to(out).as_posix() for p in written} == expected


def test_every_sense_has_its_anchor(built):
    glossary, _, out, _ = built
    for term in glossary.terms.values():
        page = parse(out / f"{term.id}.html")
        assert len(page.ids) == len(set(page.ids)), f"duplicate ids on {term.id}.html"
        for sense in term.senses:
            assert sense.id in page.ids, f"{term.id}.html has no #{sense.id}"


def test_comparison_table_for_multi_sense_terms(built):
    glossary, _, out, _ = built
    for term in glossary.terms.values():
        page = parse(out / f"{term.id}.html")
        tables = [t for t in page.tables if t["class"] == "comparison"]
        if not term.multi_sense:
            assert not tables, f"{term.id} has one sense, so no comparison table"
            continue
        assert len(tables) == 1, f"{term.id}.html lacks its comparison table"
        header, *rows = tables[0]["rows"]
        assert len(header) == len(term.senses) + 1
        labels = [" ".join((f["label"] + " " + f.get("help", "")).split()) for f in term.features]
        assert [r[0] for r in rows][: len(labels)] == labels
        assert rows, f"{term.id}.html has an empty comparison table"
        assert all(len(r) == len(term.senses) + 1 for r in rows)
        for sense in term.senses:
            assert f"#{sense.id}" in page.hrefs


def test_tiny_table_values(tiny):
    _, _, out, _ = tiny
    table = next(t for t in parse(out / "widget.html").tables if t["class"] == "comparison")
    assert table["rows"] == [
        ["Feature", "Tiny widget", "Giant widget"],
        ["Size <b>bold</b> How big it is.", "small", "huge"],
        ["Has moving parts", "no", "yes"],
    ]


def test_table_without_features_compares_definitions(tiny, tmp_path):
    glossary, rules, _, _ = tiny
    widget = dataclasses.replace(glossary.terms["widget"], features=[])
    build_site(
        dataclasses.replace(glossary, terms={**glossary.terms, "widget": widget}), rules, tmp_path
    )
    table = next(t for t in parse(tmp_path / "widget.html").tables if t["class"] == "comparison")
    assert table["rows"][1][0] == "Definition"
    assert table["rows"][1][2] == "A widget as big as a house."


def _resolve(page_path: Path, href: str, out: Path) -> tuple[Path, str] | None:
    """The file and fragment a relative link points to; None for other links."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        return None
    target = (page_path.parent / parts.path).resolve() if parts.path else page_path
    assert out.resolve() in target.parents or target == out.resolve(), href
    return target, parts.fragment


def test_every_internal_link_resolves(built):
    _, _, out, _ = built
    cache: dict[Path, Page] = {}
    for page_path in html_pages(out):
        page = cache.setdefault(page_path.resolve(), parse(page_path))
        for href in page.hrefs:
            resolved = _resolve(page_path, href, out)
            if resolved is None:
                assert href.startswith(("https://", "http://", "mailto:")), href
                continue
            target, fragment = resolved
            assert target.is_file(), f"{page_path.name}: {href} points to a missing file"
            if fragment and target.suffix == ".html":
                ids = cache.setdefault(target, parse(target)).ids
                assert fragment in ids, f"{page_path.name}: {href} has no anchor"


def test_every_citation_links_to_the_bibliography(built):
    glossary, _, out, _ = built
    anchors = set(parse(out / "sources.html").ids)
    assert set(glossary.sources) <= anchors
    for term in glossary.terms.values():
        page = parse(out / f"{term.id}.html")
        cites = [h for h in page.hrefs if h.startswith("sources.html#")]
        citations = list(term.sources) + [c for s in term.senses for c in s.sources]
        citations += [c for cp in term.counter_positions for c in cp.sources]
        citations += [Citation(d.source, d.section) for d in term.definitions]
        assert len(cites) == len(citations)
        for href in cites:
            assert href.split("#", 1)[1] in anchors
        for c in citations:
            assert f"sources.html#{c.key}" in cites
            if c.section:
                assert " ".join(c.section.split()) in page.plain


def test_sense_sections_show_their_parts(tiny):
    _, _, out, _ = tiny
    page = parse(out / "widget.html")
    text = page.plain
    for expected in (
        "Tiny widget",
        "(the small kind)",
        "A widget you can hold.",
        "pocket <script>",
        "palm-sized",
        "tiny widget",
        "you can hold</em>",
        "Bring the tiny widget.",
        "Smaller <u>by far</u>.",
        "Larger.",
        "§2.1",
        "Doe and Roe 2024",
        "People mix up",
        "Gizmo",
    ):
        assert expected in text, expected
    assert "gizmo.html" in page.hrefs
    gizmo = parse(out / "gizmo.html")
    assert "widget.html" in gizmo.hrefs
    assert not [t for t in gizmo.tables if t["class"] == "comparison"]


def test_glossary_text_is_inert(tiny):
    _, _, out, _ = tiny
    for path in html_pages(out):
        raw = path.read_text(encoding="utf-8")
        page = Page(raw)
        for tag, name, value in page.attrs:
            assert not name.startswith("on"), (path.name, tag, name)
            if name in ("href", "src", "action"):
                assert is_safe_url(value or ""), (path.name, tag, name, value)
                assert "javascript" not in (value or "").lower()
        assert all(
            s.get("src") == "search.js" or s.get("type") == "application/json" for s in page.scripts
        ), (path.name, page.scripts)
        assert "<img" not in raw
        for evil in EVIL:
            assert evil not in raw, (path.name, evil)
    widget = (out / "widget.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in widget
    text = parse(out / "widget.html").plain
    assert "[x](javascript:alert(1))" in text  # shown as text, not a link
    assert '<a href="https://example.org/ok">ok</a>' in widget
    assert '<a href="gizmo.html#plain-gizmo">rel</a>' in widget


def test_embedded_index_matches_the_file_and_cannot_break_out(built):
    glossary, _, out, _ = built
    index = json.loads((out / "search-index.json").read_text(encoding="utf-8"))
    assert index == search_index(glossary, load_rules())
    raw = (out / "index.html").read_text(encoding="utf-8")
    start = raw.index('<script type="application/json" id="search-index">')
    body = raw[start:].split(">", 1)[1].split("</script>", 1)[0]
    assert "<" not in body
    assert json.loads(body) == index
    urls = {s["url"] for t in index["terms"] for s in t["senses"]}
    assert urls == {f"{t.id}.html#{s.id}" for t in glossary.terms.values() for s in t.senses}


def test_index_lists_every_term_a_to_z(built):
    glossary, rules, out, _ = built
    page = parse(out / "index.html")
    term_links = [
        h
        for h in page.hrefs
        if h.endswith(".html") and "/" not in h and h not in ("index.html", "sources.html")
    ]
    # A–Z as a reader sorts: case, accents and punctuation ("training-gaming") ignored.
    names = sorted(
        glossary.terms.values(),
        key=lambda t: (" ".join(re.findall(r"[a-z0-9]+", t.term.lower())), t.id),
    )
    assert term_links == [f"{t.id}.html" for t in names]
    for rule in rules:
        assert f"rules/{rule}.html" in page.hrefs


def test_rule_pages_render_the_explain_text(real):
    _, rules, out, _ = real
    for rule in rules.values():
        page = parse(out / "rules" / f"{rule.id}.html")
        assert rule.id in page.plain
        assert "What it does" in page.plain
        assert "<pre><code" in (out / "rules" / f"{rule.id}.html").read_text(encoding="utf-8")


def test_build_is_deterministic(tiny, tmp_path):
    glossary, rules, out, written = tiny
    again = build_site(glossary, rules, tmp_path / "again")
    assert [p.relative_to(tmp_path / "again") for p in again] == [
        p.relative_to(out) for p in written
    ]
    for a, b in zip(written, again, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_build_is_deterministic_across_processes(real, tmp_path):
    """Another interpreter with another hash seed writes the same bytes."""
    _, _, out, written = real
    code = textwrap.dedent("""
        import sys
        from pathlib import Path
        from termlint.glossary.entries import load_glossary
        from termlint.rules.load import load_rules
        from termlint.site.build import build_site
        build_site(load_glossary(use_cache=False), load_rules(), Path(sys.argv[1]))
    """)
    env = {**os.environ, "PYTHONHASHSEED": "12345", "TERMLINT_NO_CACHE": "1"}
    subprocess.run([sys.executable, "-c", code, str(tmp_path)], check=True, env=env, cwd=REPO)
    for path in written:
        assert (tmp_path / path.relative_to(out)).read_bytes() == path.read_bytes(), path.name


def _sense_id(term, new_id):
    return dataclasses.replace(term, senses=[dataclasses.replace(term.senses[0], id=new_id)])


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda t: dataclasses.replace(t, id="Bad Id"), "term id 'Bad Id'"),
        (lambda t: dataclasses.replace(t, id="../../etc"), "term id '../../etc'"),
        (lambda t: dataclasses.replace(t, id="index"), "reserved"),
        (lambda t: _sense_id(t, 'x" onload="'), "sense id"),
        (lambda t: _sense_id(t, "a--b"), "sense id 'a--b'"),
    ],
)
def test_unsafe_ids_are_refused(tiny, tmp_path, change, words):
    glossary, rules, _, _ = tiny
    bad = change(glossary.terms["gizmo"])
    terms = {**glossary.terms, "gizmo": bad}
    with pytest.raises(TermlintError) as err:
        build_site(dataclasses.replace(glossary, terms=terms), rules, tmp_path / "out")
    assert words in str(err.value)
    assert "gizmo.yaml" in str(err.value)
    assert not (tmp_path / "out").exists()


def test_base_url_adds_canonical_links(tiny, tmp_path):
    glossary, rules, _, _ = tiny
    build_site(glossary, rules, tmp_path, base_url="https://example.org/glossary/")
    raw = (tmp_path / "widget.html").read_text(encoding="utf-8")
    assert '<link rel="canonical" href="https://example.org/glossary/widget.html">' in raw
    rule = next(iter(rules))
    assert f'href="https://example.org/glossary/rules/{rule}.html"' in (
        tmp_path / "rules" / f"{rule}.html"
    ).read_text(encoding="utf-8")


@pytest.mark.parametrize("base", ["javascript:alert(1)", "ftp://x", 'https://x/"><script>'])
def test_bad_base_url_is_refused(tiny, tmp_path, base):
    glossary, rules, _, _ = tiny
    with pytest.raises(TermlintError, match="base-url"):
        build_site(glossary, rules, tmp_path, base_url=base)


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://example.org", True),
        ("http://x", True),
        ("mailto:a@b.c", True),
        ("page.html#a", True),
        ("../sources.html#k", True),
        ("#sense", True),
        ("/abs", True),
        ("javascript:alert(1)", False),
        ("JAVASCRIPT:x", False),
        (" javascript:x", False),
        ("java%09script:x", False),
        ("data:text/html,x", False),
        ("file:///etc/passwd", False),
        ("vbscript:x", False),
        ("ftp://x", False),
    ],
)
def test_is_safe_url(url, ok):
    assert is_safe_url(url) is ok


def test_pages_are_self_contained(real):
    """No page loads anything from outside the site folder."""
    _, _, out, _ = real
    for path in html_pages(out):
        for tag, name, value in parse(path).attrs:
            if tag != "a" and name in ("src", "href", "srcset", "data") and value:
                assert not urlsplit(value).scheme, (path.name, tag, value)
    css = (out / "style.css").read_text(encoding="utf-8")
    assert "@import" not in css and "url(" not in css
    assert "@media print" in css and "prefers-color-scheme: dark" in css


@pytest.mark.parametrize(
    ("authors", "year", "short"),
    [
        (["Joe Carlsmith"], 2023, "Carlsmith 2023"),
        (["Nora Belrose", "Quintin Pope"], 2023, "Belrose and Pope 2023"),
        (["Evan Hubinger", "et al."], 2019, "Hubinger et al. 2019"),
        (
            ["Teun van der Weij", "Felix Hofstätter", "Ollie Jaffe"],
            2024,
            "van der Weij et al. 2024",
        ),
        (["Apollo Research"], None, "Apollo Research"),
        (["AI Safety Info (Stampy) contributors"], None, "AI Safety Info (Stampy) contributors"),
    ],
)
def test_short_citation(authors, year, short):
    source = Source(key="k", authors=authors, title="T", url="https://x", year=year)
    assert short_citation(Glossary(terms={}, sources={"k": source}), "k") == short


# -- read as a reader would (issue 17, item 5) -------------------------------------------


def _order(html: str, *needles: str) -> list[int]:
    return [html.index(n) for n in needles]


def test_confusions_come_before_the_senses_and_cues_are_collapsed(real):
    glossary, _, out, _ = real
    html = (out / "scheming.html").read_text(encoding="utf-8")
    confusions, senses, first_sense = _order(
        html, 'id="_confusions"', 'id="_senses"', 'id="power-motivated-training-gamer"'
    )
    assert confusions < senses < first_sense
    page = parse(out / "scheming.html")
    assert "History" in page.plain and "How each source defines it" in page.plain
    assert "Counter-positions" in page.plain
    # every cue list sits inside a closed <details>, none is printed as open prose
    assert html.count('<details class="cues-box">') == len(glossary.terms["scheming"].senses)
    assert '<details class="cues-box" open' not in html
    assert "<h3>Cue phrases</h3>" not in html


def test_citations_show_title_and_year(real):
    glossary, _, out, _ = real
    html = (out / "scheming.html").read_text(encoding="utf-8")
    source = glossary.sources["jarviniemi2024trust"]
    assert source.title == "Untrustworthy models: a frame for scheming evaluations"
    carlsmith = glossary.sources["carlsmith2023"]
    label = short_citation(glossary, "carlsmith2023")
    assert f">{label}</a>, <cite>{escape_html(carlsmith.title)}</cite>" in html
    assert "Carlsmith 2023" in short_citation(glossary, "carlsmith2023")


def test_sources_page_has_no_full_stop_after_a_question_mark(real):
    _, _, out, _ = real
    text = parse(out / "sources.html").plain
    assert "?." not in text and "!." not in text
    assert "in order to get power?" in text


def test_rule_pages_link_their_references(real):
    _, _, out, _ = real
    page = parse(out / "rules" / "ambiguous-term.html")
    assert "glossary:scheming" not in page.plain
    assert "../scheming.html" in page.hrefs


def test_the_index_search_covers_rules(real):
    glossary, rules, out, _ = real
    index = search_index(glossary, rules)
    assert {r["id"] for r in index["rules"]} == set(rules)
    page = parse(out / "index.html")
    assert ("li", "data-rule", "ambiguous-term") in page.attrs
    assert ("input", "aria-keyshortcuts", "/") in page.attrs


def test_long_term_pages_have_a_table_of_contents(real):
    glossary, _, out, _ = real
    page = parse(out / "scheming.html")
    assert "_toc" in page.ids
    for sense in glossary.terms["scheming"].senses:
        assert page.hrefs.count(f"#{sense.id}") >= 2  # the page toc and the sense list
    assert "_toc" not in parse(out / "stealth.html").ids  # a short page needs none
