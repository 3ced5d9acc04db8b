"""`onenotes import-metrics`: CRM exports into the notes' metrics lines."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from conftest import TODAY, user_files, write
from onenotes.reading.figures import decimal_evidence, split_figure, to_number
from onenotes.reading.notebook import load_notebook

DATA = Path(__file__).parent.parent / "data" / "crm"


def metrics_of(root, rel):
    book = load_notebook(root)
    note = next(n for n in book.notes if n.path == rel)
    return {m.name: (m.actual, m.goal) for m in note.metrics}


def figure(text, decimal="."):
    return to_number(split_figure(text), decimal)


# ------------------------------------------------------------- numbers ---

@pytest.mark.parametrize("text, decimal, value", [
    ("31250", ".", 31250), ("1,234.50", ".", 1234.5), ("1.234,50", ",", 1234.5),
    ("$1,022,010.50", ".", 1022010.5), ("(250,00 \u20ac)", ",", -250), ("-12.5", ".", -12.5),
    ("USD 2,000", ".", 2000), ("2 000,5 EUR", ",", 2000.5), ("31.5%", ".", 31.5), ("\u00a3 7", ".", 7),
    ("1'234.5", ".", 1234.5), ("1,234.00", ".", 1234),
])
def test_figures_as_crms_write_them(text, decimal, value):
    result = figure(text, decimal)
    assert result == value and type(result) is type(value)


@pytest.mark.parametrize("text, decimal", [("12,34,5", "."), ("1.234,5", "."), ("1,2345.5", "."),
                                           ("abc", "."), ("$5%", "."), ("1e5", ".")])
def test_malformed_figures_are_refused(text, decimal):
    with pytest.raises(ValueError):
        figure(text, decimal)


@pytest.mark.parametrize("digits, mark", [("1,234.5", "."), ("1.234,5", ","), ("12,5", ","), ("12.5", "."),
                                          ("1,234,567", "."), ("1.234.567", ","), ("1,234", None),
                                          ("1.234", None), ("0,250", ","), ("1234,567", ",")])
def test_the_decimal_mark_is_only_inferred_from_unambiguous_figures(digits, mark):
    assert decimal_evidence(digits) == mark


# ----------------------------------------------------------------- CLI ---

def test_salesforce_report_updates_only_the_metrics_lines(cli, acme):
    before = {rel: (acme / rel).read_bytes() for rel in
              ("alice-nguyen/2026-11-16.md", "bob-okafor/2026-11-16.md", "carla-mendes/2026-11-16.md")}
    result = cli("--notebook", acme, "import-metrics", DATA / "salesforce.csv", "--map", DATA / "salesforce.yaml",
                 "--date", "2026-11-16")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.split() == sorted(before)
    assert metrics_of(acme, "alice-nguyen/2026-11-16.md")["new_accounts"] == (2, 2)  # {goal, actual} kept
    assert metrics_of(acme, "carla-mendes/2026-11-16.md")["revenue"] == (1022010.5, None)
    for rel, old in before.items():
        new = (acme / rel).read_bytes()
        old_lines, new_lines = old.split(b"\n"), new.split(b"\n")
        assert len(old_lines) == len(new_lines)
        for a, b in zip(old_lines, new_lines):
            if a != b:  # every changed line is a metrics line of an imported KPI
                assert a.split(b":")[0] == b.split(b":")[0]
                assert a.split(b":")[0].strip() in (b"revenue", b"new_accounts", b"sales_calls", b"close_rate")
    assert b"  new_accounts: {goal: 2, actual: 2}\n" in (acme / "alice-nguyen/2026-11-16.md").read_bytes()
    assert cli("--notebook", acme, "check").exit_code == 0


def test_a_rep_without_a_note_that_day_gets_a_new_agenda_with_the_figures(cli, acme):
    result = cli("--notebook", acme, "import-metrics", DATA / "salesforce.csv", "--map", DATA / "salesforce.yaml",
                 "--date", "2026-11-23", "--today", "2026-11-23")
    assert result.exit_code == 0, result.stderr
    assert "bob-okafor/2026-11-23.md: new note; revenue 19400" in result.stderr
    got = metrics_of(acme, "bob-okafor/2026-11-23.md")
    assert got["revenue"] == (19400, 25000) and got["sales_calls"] == (38, 40)
    assert got["gross_profit_pct"] == (None, 32)  # not in the report: still a gap
    # The agenda is the `new` one: commitments carried as usual.
    assert "bob-freight-prospect-list" in (acme / "bob-okafor/2026-11-23.md").read_text()


def test_the_config_section_maps_columns_without_a_map_file(cli, acme):
    assert "metrics_import:" in (acme / "onenotes.yaml").read_text()
    result = cli("--notebook", acme, "import-metrics", acme / "crm-export.csv", "--date", "2026-11-16",
                 "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert "+  revenue: 31250\n" in result.stdout
    assert "+  new_opportunities: {goal: 6, actual: 5}\n" in result.stdout  # "New Opportunities" column


def test_an_invalid_row_changes_nothing_and_partial_writes_the_rest(cli, acme, tmp_path):
    export = write(tmp_path / "export.csv",
                   "Deal owner,Amount (USD),Calls\nAlice Nguyen,\"$1,000.50\",40\n"
                   "Bob Okafr,200,30\nCarla Mendes,lots,31\n")
    mapping = write(tmp_path / "map.yaml", "columns:\n  Amount (USD): revenue\n  Calls: sales_calls\n")
    before = user_files(acme)
    result = cli("--notebook", acme, "import-metrics", export, "--map", mapping, "--date", "2026-11-16")
    assert result.exit_code == 1
    assert "export.csv:3: unknown rep 'Bob Okafr'; did you mean 'bob-okafor'?" in result.stderr
    assert "export.csv:4: Amount (USD): 'lots' is not a figure" in result.stderr
    assert "nothing was written" in result.stderr
    assert user_files(acme) == before
    result = cli("--notebook", acme, "import-metrics", export, "--map", mapping, "--date", "2026-11-16",
                 "--partial")
    assert result.exit_code == 1  # something was skipped
    assert result.stdout == "alice-nguyen/2026-11-16.md\n"
    assert metrics_of(acme, "alice-nguyen/2026-11-16.md")["revenue"] == (1000.5, None)
    assert user_files(acme)[Path("carla-mendes/2026-11-16.md")] == before[Path("carla-mendes/2026-11-16.md")]


def test_unknown_kpi_columns_are_reported_with_a_did_you_mean(cli, acme, tmp_path):
    export = write(tmp_path / "export.csv", "Rep,Revenu,Sales calls\nAlice Nguyen,5,6\n")
    result = cli("--notebook", acme, "import-metrics", export, "--date", "2026-11-16")
    assert result.exit_code == 1
    assert "column 'Revenu': unknown KPI 'Revenu'; did you mean 'revenue'?" in result.stderr


def test_european_semicolon_export_with_decimal_commas_and_emails(cli, tmp_path):
    root = tmp_path / "eu"
    write(root / "onenotes.yaml",
          "kpis:\n  revenue: {kind: output, goal: 10000, unit: EUR}\n  new_accounts: {kind: output, goal: 2}\n"
          "  sales_calls: {kind: input, goal: 40}\n  discount_pct: {kind: output, goal: 8, unit: '%'}\n"
          "reps:\n  alice-nguyen: {name: Alice Nguyen}\n  bob-okafor: {name: Bob Okafor}\n"
          "  carla-mendes: {name: Carla Mendes}\n")
    write(root / "alice-nguyen" / "2026-11-16.md",
          "---\r\nmetrics:   # from the CRM\r\n  revenue: 1  # old\r\n  sales_calls: {goal: 40, actual: null}\r\n"
          "---\r\nBody\r\n")
    result = cli("--notebook", root, "import-metrics", DATA / "hubspot-eu.csv", "--map", DATA / "hubspot-eu.yaml",
                 "--date", "2026-11-16", "--today", "2026-11-16")
    assert result.exit_code == 0, result.stderr
    assert (root / "alice-nguyen" / "2026-11-16.md").read_bytes() == (
        b"---\r\nmetrics:   # from the CRM\r\n  revenue: 1234.5  # old\r\n  sales_calls: {goal: 40, actual: 41}\r\n"
        b"  new_accounts: 2\r\n  discount_pct: 5.5\r\n---\r\nBody\r\n")
    assert metrics_of(root, "bob-okafor/2026-11-16.md")["revenue"] == (-250, 10000)
    assert metrics_of(root, "bob-okafor/2026-11-16.md")["discount_pct"] == (7.25, 8)
    assert metrics_of(root, "carla-mendes/2026-11-16.md")["revenue"] == (12000, 10000)
    assert metrics_of(root, "carla-mendes/2026-11-16.md")["discount_pct"] == (None, 8)  # blank: no figure


def test_a_currency_that_is_not_the_kpis_unit_is_refused(cli, acme, tmp_path):
    result = cli("--notebook", acme, "import-metrics", DATA / "hubspot-eu.csv", "--map", DATA / "hubspot-eu.yaml",
                 "--date", "2026-11-16")
    assert result.exit_code == 1
    assert "column 'Amount (EUR)': the column is in EUR, but revenue is in USD" in result.stderr
    export = write(tmp_path / "e.csv", "Rep,Revenue,Close rate\nAlice Nguyen,\u20ac5,7%\nBob Okafor,$5,7 USD\n")
    result = cli("--notebook", acme, "import-metrics", export, "--date", "2026-11-16")
    assert result.exit_code == 1
    assert "e.csv:2: Revenue: revenue is in USD, but the figure is in EUR" in result.stderr
    assert "e.csv:3: Close rate: close_rate is in %, but the figure is in USD" in result.stderr


def test_long_format_tab_separated_with_labels_and_an_unknown_rep(cli, acme):
    result = cli("--notebook", acme, "import-metrics", DATA / "long.tsv", "--date", "2026-11-16", "--partial")
    assert result.exit_code == 1
    assert "long.tsv:4: unknown rep 'Jos\u00e9 Ruiz'" in result.stderr
    assert metrics_of(acme, "alice-nguyen/2026-11-16.md")["revenue"] == (31250, None)
    assert metrics_of(acme, "alice-nguyen/2026-11-16.md")["sales_calls"] == (44, None)


def test_ambiguous_thousands_are_refused_until_the_decimal_mark_is_set(cli, acme, tmp_path):
    export = write(tmp_path / "e.csv", "Rep;Revenue\nAlice Nguyen;1.234\n")
    before = user_files(acme)
    result = cli("--notebook", acme, "import-metrics", export, "--date", "2026-11-16")
    assert result.exit_code == 1
    assert "cannot tell whether ',' or '.' is the decimal mark" in result.stderr
    assert user_files(acme) == before
    mapping = write(tmp_path / "m.yaml", 'decimal: ","\n')
    result = cli("--notebook", acme, "import-metrics", export, "--map", mapping, "--date", "2026-11-16")
    assert result.exit_code == 0, result.stderr
    assert metrics_of(acme, "alice-nguyen/2026-11-16.md")["revenue"] == (1234, None)


def test_rep_names_match_after_normalisation(cli, acme, tmp_path):
    export = write(tmp_path / "e.csv", "Owner,Sales calls\n\"  NGUYEN,   alice \",1\nbob.okafor@acme.example,2\n"
                   "Carla Mendes\u0301,3\n")
    result = cli("--notebook", acme, "import-metrics", export, "--date", "2026-11-16", "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.count("+  sales_calls: ") == 3


def test_dry_run_shows_new_notes_and_edits_and_writes_nothing(cli, acme):
    before = user_files(acme)
    result = cli("--notebook", acme, "import-metrics", DATA / "salesforce.csv", "--map", DATA / "salesforce.yaml",
                 "--date", "2026-11-23", "--today", "2026-11-23", "--dry-run")
    assert result.exit_code == 0
    assert "--- /dev/null\n+++ b/alice-nguyen/2026-11-23.md\n" in result.stdout
    assert "+  revenue: {goal: 30000, actual: 31250}\n" in result.stdout
    assert user_files(acme) == before


def test_mapping_errors_name_the_key_with_a_did_you_mean(cli, acme, tmp_path):
    mapping = write(tmp_path / "m.yaml", "rep: Owner\ncolums:\n  a: revenue\n")
    result = cli("--notebook", acme, "import-metrics", DATA / "salesforce.csv", "--map", mapping)
    assert result.exit_code == 3
    assert "m.yaml:2" in result.stderr and "did you mean 'columns'?" in result.stderr
    cfg = acme / "onenotes.yaml"
    cfg.write_text(cfg.read_text().replace("    Sum of Amount: revenue", "    Sum of Amount: revenu"))
    result = cli("--notebook", acme, "followups")
    assert result.exit_code == 3
    assert "unknown KPI 'revenu'" in result.stderr and "did you mean 'revenue'?" in result.stderr


def test_unreadable_csvs_are_clear_errors(cli, acme, tmp_path):
    latin = tmp_path / "latin.csv"
    latin.write_bytes("Rep,Revenue\nJos\u00e9,5\n".encode("latin-1"))
    result = cli("--notebook", acme, "import-metrics", latin, "--date", "2026-11-16")
    assert result.exit_code == 2 and "not UTF-8" in result.stderr
    result = cli("--notebook", acme, "import-metrics", tmp_path / "missing.csv")
    assert result.exit_code == 2
    no_rep = write(tmp_path / "norep.csv", "Region,Revenue\nWest,5\n")
    result = cli("--notebook", acme, "import-metrics", no_rep)
    assert result.exit_code == 2 and "no column names the rep" in result.stderr


def test_example_export_in_the_docs_imports_cleanly(cli, acme):
    if not (acme / "crm-export.csv").exists():
        pytest.skip("no example export")
    result = cli("--notebook", acme, "import-metrics", acme / "crm-export.csv", "--date", "2026-11-23",
                 "--today", "2026-11-23")
    assert result.exit_code == 0, result.stderr
    assert cli("--notebook", acme, "check").exit_code == 0


# ------------------------------------------------------ property tests ---

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from onenotes.changes.splice import Lines  # noqa: E402
from onenotes.changes.import_metrics.metrics_lines import set_metrics, verify_metrics  # noqa: E402
from onenotes.reading.note import decode, parse_note  # noqa: E402


@given(value=st.one_of(st.integers(-10 ** 12, 10 ** 12),
                       st.decimals(min_value=-10 ** 9, max_value=10 ** 9, places=2, allow_nan=False)),
       style=st.sampled_from(["us", "eu", "swiss", "plain"]), decoration=st.sampled_from(["", "$", "EUR", "paren"]))
def test_formatted_figures_read_back_as_the_same_number(value, style, decoration):
    negative = value < 0
    whole, _, frac = f"{abs(value):.2f}".partition(".") if not isinstance(value, int) else (str(abs(value)), "", "")
    group = {"us": ",", "eu": ".", "swiss": "'", "plain": ""}[style]
    mark = "," if style == "eu" else "."
    digits = f"{int(whole):,}".replace(",", group) if group else whole
    text = digits + (mark + frac if frac else "")
    if decoration == "$":
        text = "$" + text
    elif decoration == "EUR":
        text = text + " EUR"
    if negative:
        text = f"({text})" if decoration == "paren" else "-" + text
    parsed = to_number(split_figure(text), mark)
    assert parsed == (float(value) if frac.strip("0") else int(value))


@st.composite
def metric_notes(draw):
    eol = draw(st.sampled_from(["\n", "\r\n"]))
    indent = draw(st.sampled_from([2, 4]))
    names = ["revenue", "sales_calls", "close_rate"]
    present = draw(st.lists(st.sampled_from(names), unique=True))
    style = draw(st.sampled_from(["block", "flow", "null", "none"]))
    lines = ["---", "rep: ann  # the rep", "date: 2026-11-16"]
    if style == "block" and present:
        lines.append("metrics:" + draw(st.sampled_from(["", "  # from the CRM"])))
        for name in present:
            form = draw(st.sampled_from(["plain", "pair", "empty", "quoted-goal"]))
            pad = " " * indent
            if form == "plain":
                lines.append(f"{pad}{name}: 12" + draw(st.sampled_from(["", "  # typed"])))
            elif form == "pair":
                lines.append(f"{pad}{name}: {{goal: 40, actual: 3}}")
            elif form == "empty":
                lines.append(f"{pad}{name}:")
            else:
                lines.append(f"{pad}{name}: {{goal: 7}}")
            if draw(st.booleans()):
                lines.append("")
    elif style == "flow":
        lines.append("metrics: {" + ", ".join(f"{n}: 1" for n in present) + "}")
    elif style == "null":
        lines.append("metrics:" + draw(st.sampled_from(["", " ~", "  # none yet"])))
    lines += ["commitments:", "  - id: a", "    text: keep", "---", "", "- [ ] task", ""]
    values = draw(st.dictionaries(st.sampled_from(names), st.one_of(st.integers(0, 10 ** 6),
                                                                     st.floats(0, 100).map(lambda f: round(f, 1))),
                                  min_size=1))
    return eol.join(lines).encode(), values


@settings(max_examples=60, deadline=None)
@given(case=metric_notes())
def test_metric_edits_touch_only_metrics_lines(case):
    data, values = case
    note = parse_note(decode(data, "x"), "ann/2026-11-16.md", "ann", dt.date(2026, 11, 16))
    lines = Lines(data)
    set_metrics(lines, note, values)
    lines.apply()
    new = parse_note(lines.text(), "ann/2026-11-16.md", "ann", dt.date(2026, 11, 16))
    verify_metrics(note, new, values)  # raises unless only the figures changed
    for name, value in values.items():
        got = next(m for m in new.metrics if m.name == name)
        assert got.actual == value and type(got.actual) is type(value)
    import difflib
    a, b = data.splitlines(keepends=True), lines.to_bytes().splitlines(keepends=True)
    metric_line = re.compile(rb"^(metrics:.*|\s+(revenue|sales_calls|close_rate):.*)\r?\n$")
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag != "equal":  # every line removed or added is a metrics line
            assert all(metric_line.match(line) for line in a[i1:i2] + b[j1:j2]), (a[i1:i2], b[j1:j2])
    assert Lines(lines.to_bytes()).eol == Lines(data).eol


def test_a_formatted_salesforce_export_with_title_totals_and_footer(cli, acme):
    result = cli("--notebook", acme, "import-metrics", DATA / "salesforce-formatted.csv",
                 "--map", DATA / "salesforce.yaml", "--date", "2026-11-16", "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert "+  revenue: 31250\n" in result.stdout and "+  revenue: 19400\n" in result.stdout
    assert "carla" not in result.stdout


def test_a_rep_alias_must_name_a_rep(cli, acme, tmp_path):
    mapping = write(tmp_path / "m.yaml", "reps:\n  Al: alice-nguyn\n")
    export = write(tmp_path / "e.csv", "Rep,Revenue\nAl,5\n")
    result = cli("--notebook", acme, "import-metrics", export, "--map", mapping, "--date", "2026-11-16")
    assert result.exit_code == 1
    assert "sends 'Al' to 'alice-nguyn', which is not a rep; did you mean 'alice-nguyen'?" in result.stderr


def test_a_quoted_figure_is_replaced_by_a_number(cli, notebook):
    write(notebook / "ann" / "2026-11-16.md", '---\nmetrics:\n  revenue: "12"\n  sales_calls: {actual: \'3\'}\n---\n')
    export = write(notebook / "e.csv", "Rep,Revenue,Sales calls\nAnn Lee,15,4\n")
    result = cli("--notebook", notebook, "import-metrics", export, "--date", "2026-11-16")
    assert result.exit_code == 0, result.stderr
    assert (notebook / "ann" / "2026-11-16.md").read_text() == \
        "---\nmetrics:\n  revenue: 15\n  sales_calls: {actual: 4}\n---\n"


def test_a_read_only_note_is_not_replaced(cli, acme, tmp_path):
    note = acme / "carla-mendes" / "2026-11-16.md"  # the last one written
    note.chmod(0o444)
    before = user_files(acme)
    result = cli("--notebook", acme, "import-metrics", acme / "crm-export.csv", "--date", "2026-11-16")
    assert result.exit_code == 4
    assert "cannot write carla-mendes/2026-11-16.md: read-only; nothing was written" in result.stderr
    assert user_files(acme) == before


def test_hubspot_export_with_owner_emails_mapped_in_a_map_file(cli, acme):
    result = cli("--notebook", acme, "import-metrics", acme / "hubspot-export.csv",
                 "--map", acme / "hubspot-mapping.yaml", "--date", "2026-11-16")
    assert result.exit_code == 0, result.stderr
    assert metrics_of(acme, "carla-mendes/2026-11-16.md")["revenue"] == (24180.5, None)
    assert metrics_of(acme, "bob-okafor/2026-11-16.md")["sales_calls"] == (35, None)


def test_a_unit_in_the_header_is_matched_and_checked(cli, acme, tmp_path):
    export = write(tmp_path / "e.csv", "\"Report: week 47\"\nRep,Revenue (USD),Close rate (%)\n"
                   "Alice Nguyen,5,6\n")
    result = cli("--notebook", acme, "import-metrics", export, "--date", "2026-11-16")
    assert result.exit_code == 0, result.stderr
    assert metrics_of(acme, "alice-nguyen/2026-11-16.md")["close_rate"] == (6, None)
    export = write(tmp_path / "f.csv", "Rep,Revenue (EUR),Close rate (%)\nAlice Nguyen,5,6\n")
    result = cli("--notebook", acme, "import-metrics", export, "--date", "2026-11-16")
    assert result.exit_code == 1
    assert "f.csv:1: column 'Revenue (EUR)': the column is in EUR, but revenue is in USD" in result.stderr


def test_a_new_agenda_for_a_rep_with_an_unreadable_note_is_refused_as_new_refuses_it(cli, acme):
    # A broken note may hold commitments the new agenda could not carry: nothing is
    # written, for no rep, and a dry run says so too.
    (acme / "bob-okafor" / "2026-11-20.md").write_text("---\nrep: [\n---\n- [ ] Lost?\n", encoding="utf-8")
    for dry_run in (["--dry-run"], []):
        result = cli("--notebook", acme, "import-metrics", DATA / "salesforce.csv", "--map",
                     DATA / "salesforce.yaml", "--date", "2026-11-23", "--today", "2026-11-23", *dry_run)
        assert result.exit_code == 1, result.stderr
        assert result.stderr.startswith("onenotes: bob-okafor/2026-11-20.md:3:1: error: invalid YAML")
        assert "\nonenotes: error: cannot write the next agenda: bob-okafor/2026-11-20.md cannot be read " \
            "(line 3: invalid YAML" in result.stderr
        assert result.stdout == ""
    assert not (acme / "alice-nguyen" / "2026-11-23.md").exists()


def test_a_map_file_too_big_is_refused_not_read_cut_off(cli, acme, tmp_path):
    """Cut at 256 KiB of bytes, accented names decode to fewer characters than the YAML
    size limit: the file below would be parsed without the alias on its last line."""
    mapping = tmp_path / "map.yaml"
    mapping.write_text("reps:\n" + "".join(f"  'Zoë Ñúñez-Öğüt {i}': bob-okafor\n" for i in range(8000))
                       + "  Ally: alice-nguyen\n", encoding="utf-8")
    first = mapping.read_bytes()[:256 * 1024 + 1].decode("utf-8", "ignore")
    assert mapping.stat().st_size > 256 * 1024 > len(first)
    csv = tmp_path / "export.csv"
    csv.write_text("Rep,Revenue\nAlly,100\n")
    result = cli("--notebook", acme, "import-metrics", csv, "--map", mapping, "--date", "2026-11-16")
    assert result.exit_code == 3, result.stderr
    assert "is over 256 KiB" in result.stderr


def test_a_broken_map_file_keeps_the_yaml_hint(cli, acme, tmp_path):
    mapping = tmp_path / "map.yaml"
    mapping.write_text("reps:\n\tAlly: alice-nguyen\n")
    csv = tmp_path / "export.csv"
    csv.write_text("Rep,Revenue\nAlly,100\n")
    result = cli("--notebook", acme, "import-metrics", csv, "--map", mapping, "--date", "2026-11-16")
    assert result.exit_code == 3
    assert "map.yaml:2: tab character in the indentation\n  hint: indent with spaces" in result.stderr


def test_a_rep_whose_name_starts_like_a_total_line_is_imported(cli, notebook, tmp_path):
    """"Sum, Kim" (Last, First) is a rep, not a report's "Sum" line to skip silently."""
    write(notebook / "kim-sum" / "2026-11-09.md", "---\n---\n")
    csv = tmp_path / "export.csv"
    csv.write_text("Owner,Revenue\n\"Sum, Kim\",\"$1,200.00\"\nTotal,\"$1,200.00\"\n")
    result = cli("--notebook", notebook, "import-metrics", csv, "--date", "2026-11-16", "--today", TODAY)
    assert result.exit_code == 0, result.stderr
    assert "actual: 1200}" in (notebook / "kim-sum" / "2026-11-16.md").read_text()


def test_import_into_a_block_mapping_kpi_and_a_new_kpi_below_it(cli, notebook, tmp_path):
    """Two lines inserted after one line (the nested actual, then a new KPI) keep their order;
    they were swapped, and the import refused as 'would make the note unreadable'."""
    note = notebook / "ann" / "2026-11-16.md"
    write(note, "---\nmetrics:\n  revenue:\n    goal: 5\n---\n")
    csv = tmp_path / "export.csv"
    csv.write_text("Rep,Revenue,Sales calls\nann,1200,40\n")
    result = cli("--notebook", notebook, "import-metrics", csv, "--date", "2026-11-16", "--today", TODAY)
    assert result.exit_code == 0, result.stderr
    assert note.read_text() == ("---\nmetrics:\n  revenue:\n    goal: 5\n    actual: 1200\n"
                                "  sales_calls: 40\n---\n")
