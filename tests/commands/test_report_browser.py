"""`onenotes report` in a real browser: headless Chromium over the DevTools protocol.

Skipped when Chromium is not installed, unless ONENOTES_REQUIRE_BROWSER=1 (set
by .ci/run), which turns the skip into a failure.  Screenshots and the print
rendering are saved in test-artifacts/ (git-ignored) for a person to look at:
report-laptop.png (1366x900, first screen), report-full.png (the whole page at
laptop width), report-print.pdf and, with pdftoppm, report-print-N.png.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

from support.cdp import OFFLINE_FLAGS, Browser, CdpError, find_chromium
from conftest import EXAMPLE, ROOT, TODAY, Cli
from test_report import HOSTILE, hostile  # noqa: F401  (a fixture)

ARTIFACTS = ROOT / "test-artifacts"


def _chromium() -> str:
    binary = find_chromium()
    if binary is None:
        reason = "chromium is not installed (apt-get install chromium); browser tests skipped"
        if os.environ.get("ONENOTES_REQUIRE_BROWSER") == "1":
            pytest.fail(reason.replace("skipped", "required by ONENOTES_REQUIRE_BROWSER=1"))
        pytest.skip(reason)
    return binary


def _write_report(root, out, *args) -> None:
    result = Cli()("--notebook", root, "report", "--today", TODAY, "--out", out, *args)
    assert result.exit_code == 0, result.stderr


@pytest.fixture(scope="module")
def browser():
    binary = _chromium()
    with Browser(binary) as b:
        yield b


@pytest.fixture(scope="module")
def acme_page(browser, tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "report.html"
    _write_report(EXAMPLE, out)
    return browser.open(out.as_uri(), width=1366, height=900)


def _problems(page) -> list:
    errors = [(level, text) for level, text in page.console if level in ("error", "warning", "assert")]
    return errors + page.exceptions + page.failed_loads


def test_the_page_loads_nothing_and_logs_no_error(acme_page):
    assert acme_page.requests == [acme_page.url]  # the file itself, nothing else
    assert _problems(acme_page) == []


def test_every_rep_is_in_the_dom_with_the_numbers_of_kpis_json(acme_page):
    kpis = json.loads(Cli()("--notebook", EXAMPLE, "kpis", "--today", TODAY, "--format", "json").stdout)
    team = acme_page.evaluate("""
        Array.from(document.querySelectorAll('table.team tbody tr')).map(tr => ({
          rep: tr.dataset.rep,
          cells: Object.fromEntries(Array.from(tr.querySelectorAll('td[data-kpi]'))
                                    .map(td => [td.dataset.kpi, td.innerText.trim()]))}))""")
    assert [r["rep"] for r in team] == ["alice-nguyen", "bob-okafor", "carla-mendes"]
    by_rep = {r["rep"]: r["cells"] for r in team}
    outputs = [r for r in kpis if r["kind"] == "output"]
    assert len(outputs) == 15
    for row in outputs:
        assert by_rep[row["rep"]][row["kpi"]].endswith(f"{row['attainment'] * 100:.0f}%"), row
    charts = acme_page.evaluate("""
        Array.from(document.querySelectorAll('article.rep')).map(a => ({
          rep: a.dataset.rep,
          drawn: Array.from(a.querySelectorAll('svg.trend')).filter(s => s.getBoundingClientRect().width > 100
                   && s.querySelectorAll('.pt').length > 0).length}))""")
    assert charts == [{"rep": rep, "drawn": 9} for rep in by_rep]


def test_the_page_fits_a_laptop_screen_and_prints(acme_page):
    ARTIFACTS.mkdir(exist_ok=True)
    assert acme_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    acme_page.screenshot(ARTIFACTS / "report-laptop.png")
    acme_page.screenshot(ARTIFACTS / "report-full.png", full_page=True)
    acme_page.media("print")
    try:
        widths = acme_page.evaluate(
            "Array.from(document.querySelectorAll('svg.trend')).map(s => s.getBoundingClientRect().width)")
        assert set(widths) == {160}  # the print stylesheet applies
        pdf = acme_page.pdf(ARTIFACTS / "report-print.pdf")
    finally:
        acme_page.media("screen")
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftoppm"):
        for old in ARTIFACTS.glob("report-print-*.png"):
            old.unlink()
        subprocess.run(["pdftoppm", "-r", "70", "-png", str(pdf), str(ARTIFACTS / "report-print")],
                       check=True, timeout=30)
        assert list(ARTIFACTS.glob("report-print-*.png"))



def test_a_narrow_screen_scrolls_the_tables_not_the_page(browser, tmp_path):
    out = tmp_path / "report.html"
    _write_report(EXAMPLE, out)
    for width in (1024, 390):  # a small laptop, a phone reading the e-mail
        page = browser.open(out.as_uri(), width=width, height=800)
        assert page.evaluate("document.documentElement.scrollWidth") == width
        assert page.evaluate("document.querySelector('table.team').parentElement.scrollWidth") > width - 56


def test_a_team_table_with_many_kpis_still_fits_the_printed_page(browser, acme, tmp_path):
    config = acme / "onenotes.yaml"
    extra = "".join(f"  extra_{i}:\n    kind: output\n    goal: 10\n    label: Weighted pipeline coverage {i}\n"
                    for i in range(4))
    config.write_text(config.read_text(encoding="utf-8").replace("kpis:\n", "kpis:\n" + extra, 1),
                      encoding="utf-8")
    out = tmp_path / "report.html"
    _write_report(acme, out)
    page = browser.open(out.as_uri(), width=1047, height=700)  # A4 landscape less its margins, at 96 dpi
    page.media("print")
    assert page.evaluate("document.querySelector('table.team').getBoundingClientRect().right") <= 1047

def test_clicking_a_heading_sorts_the_team_table(acme_page):
    order = acme_page.evaluate("""(() => {
        const th = Array.from(document.querySelectorAll('table.team th')).find(h => h.textContent === 'Revenue');
        th.click();
        return Array.from(document.querySelectorAll('table.team tbody tr')).map(tr => tr.dataset.rep);
    })()""")
    assert order == ["bob-okafor", "carla-mendes", "alice-nguyen"]  # 76%, 79%, 111%
    by_name = acme_page.evaluate("""(() => {
        const th = document.querySelector('table.team th');  // Rep
        th.click(); th.click();
        return [th.getAttribute('aria-sort'),
                Array.from(document.querySelectorAll('table.team tbody tr')).map(tr => tr.dataset.rep)];
    })()""")
    assert by_name == ["descending", ["carla-mendes", "bob-okafor", "alice-nguyen"]]
    assert _problems(acme_page) == []


def test_hostile_note_text_stays_text_in_the_browser(browser, hostile, tmp_path):  # noqa: F811
    out = tmp_path / "hostile.html"
    _write_report(hostile, out)
    page = browser.open(out.as_uri())
    assert page.evaluate("typeof window.pwned") == "undefined"
    text = page.evaluate("document.querySelector('tr[data-id=\"hostile-1\"] td.text').textContent")
    assert text == HOSTILE
    assert page.evaluate("document.querySelectorAll('img, script').length") == 1  # our own script
    assert page.requests == [page.url]
    assert _problems(page) == []


def _no_network_wrapper() -> list[str]:
    """``unshare --net`` (no network interface at all) when this machine allows it."""
    unshare = shutil.which("unshare")
    if unshare:
        try:
            if subprocess.run([unshare, "--net", "true"], capture_output=True, timeout=10).returncode == 0:
                return [unshare, "--net"]
        except (OSError, subprocess.TimeoutExpired):
            pass
    return []


def test_the_file_opens_with_no_network_at_all(tmp_path):
    binary = _chromium()
    out = tmp_path / "report.html"
    _write_report(EXAMPLE, out)
    try:
        offline = Browser(binary, extra_flags=OFFLINE_FLAGS, wrapper=_no_network_wrapper())
    except CdpError as exc:  # pragma: no cover - depends on the machine
        pytest.fail(f"chromium did not start offline: {exc}")
    with offline:
        page = offline.open(out.as_uri(), offline=True)
        assert page.evaluate("document.querySelectorAll('table.team tbody tr').length") == 3
        assert page.evaluate("document.querySelectorAll('svg.trend').length") == 27
        assert page.evaluate("document.querySelectorAll('table.overdue tbody tr').length") == 15
        assert page.requests == [page.url]
        assert _problems(page) == []
