"""The built site in a real browser: a hostile base must not run a script, break a link, or make
a request outside the site; search finds a known claim; the site also works opened from disk."""

from __future__ import annotations

from pathlib import Path

import pytest

from browser import Browser, needs_chromium
from conftest import run_cli
from hostile import KNOWN_CLAIM, write_hostile_base

pytestmark = needs_chromium


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    base = write_hostile_base(root / "base")
    out = root / "site"
    result = run_cli("site", "build", str(base), "--out", str(out), "--title", "<script>window.__pwned=1</script> title")
    assert result.code == 0, result.err
    return out


@pytest.fixture(scope="module")
def browser(hostile_site: Path):
    pytest.importorskip("playwright.sync_api")
    b = Browser(hostile_site)
    yield b
    b.close()


def test_no_script_runs_no_link_breaks_no_request_leaves(browser: Browser) -> None:
    visited, broken = browser.crawl()
    pages = {Path(p.split(browser.origin, 1)[1]).name for p in visited}
    assert "run-1.html" in pages and "exp-1.html" in pages and "lint.html" in pages
    assert len(visited) >= 25
    assert broken == []
    assert browser.dialogs == []
    assert browser.outside == []
    assert browser.errors == []
    for url in visited:  # each page checked again for the flag, after its scripts ran
        browser.page.goto(url, wait_until="load")
        assert not browser.pwned(), url


def test_hostile_page_shows_text_not_markup(browser: Browser) -> None:
    browser.open("index.html")
    browser.page.click("text=Notes")
    link = browser.page.locator("a", has_text="onerror=window.__pwned=1").first
    link.click()
    browser.page.wait_for_load_state("load")
    heading = browser.page.locator("h1").inner_text()
    assert "<img src=x onerror=window.__pwned=1>" in heading
    assert browser.page.locator("main script").count() == 0
    assert browser.page.locator("main iframe, main object, main embed, main form, main style").count() == 0
    handlers = browser.page.evaluate(
        """() => [...document.querySelectorAll('*')].flatMap(e => [...e.attributes].map(a => a.name))
                 .filter(n => n.startsWith('on'))"""
    )
    assert handlers == []
    hrefs = browser.page.evaluate("() => [...document.querySelectorAll('[href],[src]')].map(e => e.getAttribute('href') || e.getAttribute('src'))")
    assert not [h for h in hrefs if h.strip().lower().startswith(("javascript:", "data:", "vbscript:", "file:"))]
    assert not browser.pwned()


def test_search_finds_a_known_claim(browser: Browser) -> None:
    browser.open("search.html?q=quokka")
    first = browser.page.locator("#search-results li a").first
    first.wait_for(timeout=10_000)
    assert first.inner_text() == KNOWN_CLAIM
    first.click()
    browser.page.wait_for_load_state("load")
    assert browser.page.locator("h1").inner_text() == KNOWN_CLAIM
    browser.open("search.html?q=onerror")  # hostile names come back as text
    browser.page.locator("#search-results li").first.wait_for(timeout=10_000)
    assert not browser.pwned()
    assert browser.dialogs == [] and browser.outside == []


def test_search_as_you_type_matches_a_prefix(browser: Browser) -> None:
    browser.open("search.html")
    browser.page.fill("#search-q", "reef stab")
    browser.page.locator("#search-results li a", has_text=KNOWN_CLAIM).wait_for(timeout=10_000)


def test_graph_view_and_theme_toggle(browser: Browser) -> None:
    browser.open("graph.html")
    assert browser.page.evaluate("() => window.CB_GRAPH.x.length") >= 10
    painted = browser.page.evaluate(
        """() => { const c = document.getElementById('graph-canvas');
                   const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                   const seen = new Set(); for (let i = 0; i < d.length; i += 4 * 97) seen.add(d[i] + ',' + d[i+1] + ',' + d[i+2]);
                   return seen.size; }"""
    )
    assert painted > 1  # not a blank canvas
    browser.page.click("#theme-toggle")
    theme = browser.page.evaluate("() => document.documentElement.getAttribute('data-theme')")
    assert theme in ("dark", "light")
    browser.open("index.html")  # the choice persists
    assert browser.page.evaluate("() => document.documentElement.getAttribute('data-theme')") == theme
    assert browser.errors == []


def test_claims_table_sorts(browser: Browser) -> None:
    browser.open("claims.html")
    names = lambda: browser.page.eval_on_selector_all("table.claims tbody tr td:first-child", "els => els.map(e => e.innerText)")  # noqa: E731
    before = names()
    browser.page.click("table.claims th >> text=Claim")
    ascending = names()
    browser.page.click("table.claims th >> text=Claim")
    descending = names()
    assert sorted(before) == sorted(ascending)
    assert ascending == list(reversed(descending))
    assert browser.page.get_attribute("table.claims th:first-child", "aria-sort") == "descending"


def test_phone_width_has_no_horizontal_scroll(browser: Browser) -> None:
    browser.page.set_viewport_size({"width": 360, "height": 740})
    try:
        for path in ("index.html", "notes/run-1.html", "notes/the-quokka-hypothesis-explains-reef-stability.html"):
            browser.open(path)
            overflow = browser.page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 1, path
    finally:
        browser.page.set_viewport_size({"width": 1100, "height": 800})


def test_site_works_opened_from_disk(hostile_site: Path, browser: Browser) -> None:
    page = browser.context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto((hostile_site / "search.html").as_uri() + "?q=quokka")
    page.locator("#search-results li a", has_text=KNOWN_CLAIM).wait_for(timeout=10_000)
    page.goto((hostile_site / "graph.html").as_uri())
    assert page.evaluate("() => window.CB_GRAPH.x.length") >= 10
    page.close()
    assert errors == []
    assert browser.outside == []
