"""Defects a second reader found: each now fails cleanly instead of crashing or losing data."""

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


def test_an_empty_template_name_is_refused(cli, acme):
    result = new(cli, acme, "bob", "--template", "")
    assert result.exit_code == 3 and "is not a template name" in result.stderr


def test_mistakes_in_a_carried_commitment_are_carried_not_lost_or_blocking(cli, acme):
    write(acme / "bob-okafor" / "2026-11-20.md",
          '---\ncommitments: [{id: a, text: x, due: "15.10"}, {id: b, text: y, owner: bogus},'
          " {id: c, text: z, due: 15.10}]\n---\n")
    result = new(cli, acme, "bob", "--date", "2026-11-23")
    assert result.exit_code == 0, result.stderr
    assert "bob-okafor/2026-11-20.md:2: error: unknown owner 'bogus'" in result.stderr
    text = (acme / "bob-okafor" / "2026-11-23.md").read_text()
    assert 'due: "15.10"' in text  # the raw text the manager wrote survives
    assert "owner: bogus" in text
    assert 'due: "15.1 (read as a number)"' in text  # YAML lost the text: said so, not guessed
    rows = cli("--notebook", acme, "followups", "--rep", "bob", "--today", TODAY).stdout
    assert "? 15.10" in rows
