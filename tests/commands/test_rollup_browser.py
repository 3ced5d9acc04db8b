"""`onenotes rollup --format html` in a real browser: headless Chromium over the DevTools protocol,
as test_report_browser.py does for the report.

Skipped when Chromium is not installed, unless ONENOTES_REQUIRE_BROWSER=1 (set by .ci/run),
which turns the skip into a failure.  Screenshots and the print rendering go to
test-artifacts/ (git-ignored) for a person to look at: rollup-laptop.png, rollup-full.png,
rollup-print.pdf.
"""

from __future__ import annotations

import json
import os

import pytest

from conftest import ROOT, TODAY, Cli
from support.cdp import OFFLINE_FLAGS, Browser, CdpError
from support.director import director_clones
from test_report_browser import _chromium, _no_network_wrapper, _problems, browser  # noqa: F401 (a fixture)

ARTIFACTS = ROOT / "test-artifacts"


def _rollup(folder, *args) -> str:
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        result = Cli()("rollup", "--today", TODAY, *args)
    finally:
        os.chdir(cwd)
    assert result.exit_code == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def region(tmp_path_factory):
    _, folder = director_clones(tmp_path_factory.mktemp("region"))
    out = folder.parent / "rollup.html"
    _rollup(folder, "--format", "html", "--out", out)
    return folder, out


@pytest.fixture(scope="module")
def page(browser, region):
    return browser.open(region[1].as_uri(), width=1366, height=900)


def test_the_page_loads_nothing_and_logs_no_error(page):
    assert page.requests == [page.url]
    assert _problems(page) == []


def test_every_notebook_is_in_the_dom_with_the_figures_of_the_json(page, region):
    records = json.loads(_rollup(region[0], "--format", "json"))
    shown = page.evaluate("""
        Array.from(document.querySelectorAll('table.rollup tbody tr')).map(tr => ({
          notebook: tr.dataset.notebook,
          cells: Object.fromEntries(Array.from(tr.querySelectorAll('td[data-field]'))
                                    .map(td => [td.dataset.field, td.innerText.trim()]))}))""")
    assert [r["notebook"] for r in shown] == ["West", "North", "South"]
    for row, record in zip(shown, records):
        cells = row["cells"]
        assert cells["held_4wk_rate"].endswith(f"{record['held_4wk']} of {record['expected_4wk']}")
        assert cells["held_13wk_rate"].startswith(f"\u25bc{record['held_13wk_rate'] * 100:.0f}%")
        assert cells["reps_overdue_meeting"].lstrip("\u2713\u25bc") == str(record["reps_overdue_meeting"])
        assert cells["kept_on_time_rate"].startswith(f"{record['kept_on_time_rate'] * 100:.0f}%")
        assert cells["revenue_on_goal"].endswith(f"{record['revenue_on_goal']} of {record['revenue_reps']}")
        assert cells["newest_note"].startswith(record["newest_note"])
    total = page.evaluate("document.querySelector('table.rollup tfoot tr').innerText")
    assert total.startswith("Total") and "3 of 3 notebooks" in total
    drawn = page.evaluate("""Array.from(document.querySelectorAll('svg.trend, svg.bars'))
        .filter(s => s.getBoundingClientRect().width > 100).length""")
    assert drawn == 6  # a trend per notebook, three comparisons


def test_the_page_fits_a_laptop_screen_scrolls_on_a_phone_and_prints(browser, page, region):
    ARTIFACTS.mkdir(exist_ok=True)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.evaluate("document.querySelector('.scroll').scrollWidth <= document.querySelector('.scroll').clientWidth")
    page.screenshot(ARTIFACTS / "rollup-laptop.png")
    page.screenshot(ARTIFACTS / "rollup-full.png", full_page=True)
    printed = browser.open(region[1].as_uri(), width=1047, height=700)  # A4 landscape less its margins
    printed.media("print")
    assert printed.evaluate("document.querySelector('table.rollup').getBoundingClientRect().right") <= 1047
    assert printed.evaluate("document.documentElement.scrollWidth") <= 1047
    pdf = printed.pdf(ARTIFACTS / "rollup-print.pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    phone = browser.open(region[1].as_uri(), width=390, height=800)
    assert phone.evaluate("document.documentElement.scrollWidth") == 390


def test_clicking_a_heading_sorts_the_managers(page):
    order = page.evaluate("""(() => {
        const th = Array.from(document.querySelectorAll('table.rollup th'))
                        .find(h => h.textContent.startsWith('Last 13 weeks'));
        th.click();
        return Array.from(document.querySelectorAll('table.rollup tbody tr')).map(tr => tr.dataset.notebook);
    })()""")
    assert order == ["South", "North", "West"]  # 58%, 95%, 96%
    assert page.evaluate("document.querySelector('table.rollup tfoot tr th').textContent") == "Total"
    assert _problems(page) == []


def test_hostile_names_stay_text_in_the_browser(browser, tmp_path):
    def prepare(name, work):
        config = work / "onenotes.yaml"
        config.write_text(config.read_text().replace(
            "manager: Priya Shah", "manager: \"</td><script>window.pwned=1</script><img src=x onerror=alert(1)>\""))

    from support.director import NOTEBOOKS

    _, folder = director_clones(tmp_path, prepare=prepare, notebooks={"North": NOTEBOOKS["North"]})
    config = folder / "rollup.yaml"
    config.write_text(config.read_text().replace("name: North", "name: \"<b>North</b></svg>\""))
    out = tmp_path / "hostile.html"
    _rollup(folder, "--format", "html", "--out", out)
    page = browser.open(out.as_uri())
    assert page.evaluate("typeof window.pwned") == "undefined"
    assert page.evaluate("document.querySelectorAll('img, script').length") == 1  # our own script
    manager = page.evaluate("document.querySelector('table.rollup tbody td').textContent")
    assert manager == "</td><script>window.pwned=1</script><img src=x onerror=alert(1)>"
    assert page.requests == [page.url]
    assert _problems(page) == []


def test_the_file_opens_with_no_network_at_all(region):
    binary = _chromium()
    try:
        offline = Browser(binary, extra_flags=OFFLINE_FLAGS, wrapper=_no_network_wrapper())
    except CdpError as exc:  # pragma: no cover - depends on the machine
        pytest.fail(f"chromium did not start offline: {exc}")
    with offline:
        page = offline.open(region[1].as_uri(), offline=True)
        assert page.evaluate("document.querySelectorAll('table.rollup tbody tr').length") == 3
        assert page.requests == [page.url]
        assert _problems(page) == []
