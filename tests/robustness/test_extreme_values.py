"""Values at the edges of what a number, a date or a name can hold: each is refused or
reported cleanly, never a crash or lost data."""

from __future__ import annotations

from conftest import TODAY, write


def new(cli, root, *args):
    return cli("--notebook", root, "new", *args, "--today", TODAY)


def test_an_absurdly_large_metric_is_reported_and_does_not_crash_new(cli, acme):
    write(acme / "bob-okafor" / "2026-11-20.md", "---\nmetrics:\n  revenue: 1" + "0" * 330 + "\n---\n")
    assert new(cli, acme, "bob", "--date", "2026-11-23").exit_code == 0
    result = cli("--notebook", acme, "check")
    assert "bob-okafor/2026-11-20.md:3: error: metric 'revenue' is not a number" in result.stdout


def test_a_note_dated_at_the_end_of_time_gives_a_clean_error(cli, acme):
    write(acme / "bob-okafor" / "9999-12-31.md", "---\n---\n")
    result = new(cli, acme, "bob")
    assert result.exit_code == 2
    assert "cannot date the meeting after 9999-12-31; give one with --date" in result.stderr


def test_a_rep_name_too_long_for_the_filesystem_is_refused(cli, acme):
    result = new(cli, acme, "a" * 300, "--add")
    assert result.exit_code == 2 and "too long" in result.stderr


def test_cadence_at_the_edges_of_the_calendar(cli, acme):
    for day in ("9999-12-31", "0001-01-01"):
        result = cli("--notebook", acme, "cadence", "--today", day)
        assert result.exit_code == 0, result.output
        assert "Traceback" not in result.output


def test_infinite_goals_and_scales_are_config_errors(cli, acme):
    cfg = acme / "onenotes.yaml"
    original = cfg.read_text()
    cfg.write_text(original.replace("goal: 25000", "goal: 1e400", 1))
    result = cli("--notebook", acme, "kpis")
    assert result.exit_code == 3 and "is not a usable number" in result.stderr
    cfg.write_text(original.replace("    goal: 20\n", "    goal: 20\n    scale: 1e308\n", 1))
    result = cli("--notebook", acme, "kpis", "--format", "json")
    assert result.exit_code == 3 and "scale must be a positive number" in result.stderr


def test_a_ratio_that_overflows_is_a_gap(notebook):
    import datetime as dt

    from onenotes.rules.config import KpiDef
    from onenotes.rules.kpis import figure
    from onenotes.reading.note import parse_note

    note = parse_note("---\nmetrics: {a: 1.0e+14, b: 1.0e-300}\n---\n", "ann/2026-11-16.md", "ann",
                      dt.date(2026, 11, 16))
    assert figure(note, KpiDef("r", "input", None, ratio=("a", "b"))) is None
