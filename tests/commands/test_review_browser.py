"""`onenotes review --format html` in a real browser: headless Chromium over the DevTools protocol.

Skipped when Chromium is not installed, unless ONENOTES_REQUIRE_BROWSER=1 (see
test_report_browser.py).  Screenshots and the print rendering go to test-artifacts/
(git-ignored) for a person to look at: review-laptop.png, review-full.png, review-print.pdf.
"""

from __future__ import annotations

import pytest

from conftest import EXAMPLE, TODAY, Cli
from support.cdp import Browser
from test_review import HOSTILE, hostile  # noqa: F401  (a fixture)
from test_report_browser import ARTIFACTS, _chromium, _problems


def _write(root, out, rep="bob", *args) -> None:
    result = Cli()("--notebook", root, "review", rep, "--quarter", "2026Q4", "--today", TODAY, "--format", "html",
                   "--out", out, *args)
    assert result.exit_code == 0, result.stderr


@pytest.fixture(scope="module")
def browser():
    with Browser(_chromium()) as b:
        yield b


@pytest.fixture(scope="module")
def bob_page(browser, tmp_path_factory):
    out = tmp_path_factory.mktemp("review") / "bob.html"
    _write(EXAMPLE, out)
    return browser.open(out.as_uri(), width=1366, height=900)


def test_the_page_loads_nothing_and_logs_no_error(bob_page):
    assert bob_page.requests == [bob_page.url]
    assert _problems(bob_page) == []


def test_every_kpi_has_a_drawn_chart_and_a_row(bob_page):
    drawn = bob_page.evaluate("""Array.from(document.querySelectorAll('svg.trend'))
        .filter(s => s.getBoundingClientRect().width > 100 && s.querySelectorAll('.pt').length > 0).length""")
    rows = bob_page.evaluate("document.querySelectorAll('table.results tbody tr').length")
    assert drawn == rows == 9
    revenue = bob_page.evaluate("""document.querySelector('tr[data-kpi="revenue"] td[data-field="attainment"]')
        .innerText.trim()""")
    assert revenue == "▼65%"


def test_each_note_reference_leads_to_its_source(bob_page):
    targets = bob_page.evaluate("""Array.from(document.querySelectorAll('a.ref')).map(a => {
        const li = document.querySelector(a.getAttribute('href'));
        return li ? li.innerText.includes('bob-okafor/') : false; })""")
    assert targets and all(targets)


def test_the_page_fits_a_laptop_and_a_phone_and_prints(browser, bob_page, tmp_path):
    ARTIFACTS.mkdir(exist_ok=True)
    assert bob_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    bob_page.screenshot(ARTIFACTS / "review-laptop.png")
    bob_page.screenshot(ARTIFACTS / "review-full.png", full_page=True)
    bob_page.media("print")
    try:
        pdf = bob_page.pdf(ARTIFACTS / "review-print.pdf")
        shown = bob_page.evaluate("getComputedStyle(document.querySelector('details.text-alt[open]')).display")
    finally:
        bob_page.media("screen")
    assert pdf.read_bytes().startswith(b"%PDF") and shown != "none"  # every commitment is printed
    out = tmp_path / "bob.html"
    _write(EXAMPLE, out)
    phone = browser.open(out.as_uri(), width=390, height=800)
    assert phone.evaluate("document.documentElement.scrollWidth") == 390


def test_hostile_note_text_stays_text_in_the_browser(browser, hostile, tmp_path):  # noqa: F811
    out = tmp_path / "hostile.html"
    _write(hostile, out, "ann")
    page = browser.open(out.as_uri())
    assert page.evaluate("typeof window.pwned") == "undefined"
    assert page.evaluate("document.querySelectorAll('img, script, b').length") == 0
    text = page.evaluate("document.querySelector('tr[data-id=\"hostile-1\"] td.text').textContent")
    assert text == HOSTILE
    assert page.requests == [page.url] and _problems(page) == []


def test_every_table_fits_the_printed_page(browser, tmp_path):
    out = tmp_path / "bob.html"
    _write(EXAMPLE, out)
    page = browser.open(out.as_uri(), width=703, height=1000)  # A4 portrait less its margins, at 96 dpi
    page.media("print")
    rights = page.evaluate("Array.from(document.querySelectorAll('table')).map(t => t.getBoundingClientRect().right)")
    assert rights and max(rights) <= 703
