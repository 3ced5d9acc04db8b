"""``onenotes init``: writes onenotes.yaml and .gitignore, never overwrites."""

from __future__ import annotations

from onenotes.reading.config_file import load_config


def _init(cli, target, *extra):
    return cli("init", target, *extra)


def test_init_creates_config_and_gitignore(cli, tmp_path):
    target = tmp_path / "team"
    result = _init(cli, target)
    assert result.exit_code == 0
    assert (target / "onenotes.yaml").is_file()
    assert (target / ".gitignore").is_file()
    assert result.stderr.splitlines() == [
        f"created {target / 'onenotes.yaml'}",
        f"created {target / '.gitignore'}",
    ]
    assert result.stdout.splitlines() == [str(target)]


def test_init_config_loads_with_weekly_cadence_and_seven_kpis(cli, tmp_path):
    _init(cli, tmp_path)
    config = load_config(tmp_path)
    assert config.cadence.text == "weekly"
    assert config.cadence.days == 7
    assert not config.cadence.monthly
    kinds = {name: k.kind for name, k in config.kpis.items()}
    assert kinds == {
        "revenue": "output", "new_accounts": "output",
        "gross_profit_pct": "output", "close_rate": "output",
        "sales_calls": "input", "new_opportunities": "input",
        "opportunities_advanced": "input",
    }


def test_init_manager_with_yaml_special_chars_reads_back(cli, tmp_path):
    result = _init(cli, tmp_path, "--manager", "Ann: VIP")
    assert result.exit_code == 0
    assert load_config(tmp_path).manager == "Ann: VIP"


def test_init_without_manager_leaves_it_empty(cli, tmp_path):
    _init(cli, tmp_path)
    assert load_config(tmp_path).manager == ""


def test_init_twice_keeps_files_byte_identical(cli, tmp_path):
    _init(cli, tmp_path, "--manager", "Sam")
    before = {n: (tmp_path / n).read_bytes() for n in ("onenotes.yaml", ".gitignore")}
    result = _init(cli, tmp_path, "--manager", "Someone Else")
    assert result.exit_code == 0
    after = {n: (tmp_path / n).read_bytes() for n in ("onenotes.yaml", ".gitignore")}
    assert after == before
    assert result.stderr.splitlines() == [
        f"kept {tmp_path / 'onenotes.yaml'} (already exists; not changed)",
        f"kept {tmp_path / '.gitignore'} (already exists; not changed)",
    ]


def test_init_never_overwrites_hand_written_config(cli, tmp_path):
    mine = "# mine\nmanager: Pat\ncadence: biweekly\n"
    (tmp_path / "onenotes.yaml").write_text(mine, encoding="utf-8")
    result = _init(cli, tmp_path)
    assert result.exit_code == 0
    assert (tmp_path / "onenotes.yaml").read_text(encoding="utf-8") == mine
    assert f"kept {tmp_path / 'onenotes.yaml'} (already exists; not changed)" in result.stderr.splitlines()
    assert f"created {tmp_path / '.gitignore'}" in result.stderr.splitlines()


def test_init_gitignore_ignores_cache_folder(cli, tmp_path):
    _init(cli, tmp_path)
    lines = (tmp_path / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert ".onenotes/" in lines


def test_init_then_new_and_check_work(cli, tmp_path):
    _init(cli, tmp_path, "--manager", "Sam Rivera")
    new = cli("--notebook", tmp_path, "new", "dana-kim", "--add", "--today", "2026-11-23")
    assert new.exit_code == 0, new.stderr
    assert list((tmp_path / "dana-kim").glob("*.md"))
    check = cli("--notebook", tmp_path, "check")
    assert check.exit_code == 0, check.stdout
    assert check.stdout == ""
    assert check.stderr.splitlines() == ["checked 1 note: 0 errors, 0 warnings"]
