"""The settings of onenotes.yaml, validated from values already read (rules/config.py).

:func:`build_config` takes the settings as YAML gave them; reading the file
(reading/config_file.py) only adds what the text itself tells, such as a goal
typed ``20.000``.
"""

from __future__ import annotations

import datetime as dt

import pytest

from onenotes.errors import ConfigError
from onenotes.reading.config_file import load_config
from onenotes.rules.config import Cadence, Config, DiagnosisRules, build_config


def test_no_setting_gives_every_default():
    assert build_config("onenotes.yaml", {}) == Config(path="onenotes.yaml")


def test_every_setting_is_read_into_its_field():
    cfg = build_config("onenotes.yaml", {
        "manager": "Sam", "cadence": "every 10 days", "meeting_day": "Tue", "template": "team",
        "timezone": "Europe/Berlin", "date_formats": ["%d.%m.%Y"], "default_duration_minutes": 45,
        "kpis": {"revenue": {"kind": "output", "goal": 25000}, "calls": {"kind": "input", "goal": 40},
                 "per_call": {"kind": "output", "goal": 500, "ratio": ["revenue", "calls"]}},
        "diagnosis": {"on_target": 0.9, "lookback": 5, "consistent": 2},
        "escalate_after": 2, "coaching_hours_target": 4, "editor": "code --wait", "meeting_time": "9:30",
        "share": {"private_keys": ["confidence"]},
        "coaching_questions": {"revenue": "What stands between you and {goal}?"},
        "metrics_import": {"rep": "Owner", "columns": {"Amount": "revenue"}},
        "reps": {"ann": {"name": "Ann Lee", "goals": {"revenue": 30000}}, "bob": None},
    })
    assert (cfg.manager, cfg.cadence, cfg.meeting_day, cfg.template, cfg.timezone) == \
        ("Sam", Cadence("every 10 days", 10), 1, "team", "Europe/Berlin")
    assert (cfg.date_formats, cfg.default_duration_minutes, cfg.escalate_after) == (("%d.%m.%Y",), 45, 2)
    assert list(cfg.kpis) == ["revenue", "calls", "per_call"] and cfg.kpis["per_call"].derived
    assert cfg.diagnosis == DiagnosisRules(0.9, 5, 2)
    assert (cfg.coaching_hours_target, cfg.editor, cfg.meeting_time, cfg.private_keys) == \
        (4.0, ("code", "--wait"), dt.time(9, 30), ("confidence",))
    assert cfg.coaching_questions == {"revenue": ("What stands between you and {goal}?",)}
    assert cfg.metrics_import.columns == {"Amount": "revenue"}
    assert cfg.goal_for("ann", "revenue") == 30000 and cfg.reps["bob"].name == "Bob"


@pytest.mark.parametrize("raw, says", [
    ({"cadence": "hourly"}, "unknown cadence"),
    ({"meeting_day": "mo"}, "unknown meeting_day"),
    ({"timezone": "Mars/Olympus"}, "unknown time zone"),
    ({"date_formats": ["dd.mm"]}, "date_formats must be a list"),
    ({"default_duration_minutes": 0}, "default_duration_minutes must be a whole number"),
    ({"kpis": {"x": {"kind": "output", "goal": 1, "ratio": ["x", "y"]}}}, "cannot be a ratio of itself"),
    ({"kpis": {"x": {"kind": "output", "goal": 1, "ratio": ["a", "b"]}}}, "is not a recorded KPI"),
    ({"escalate_after": 0}, "escalate_after must be a whole number of meetings"),
    ({"coaching_hours_target": 500}, "coaching_hours_target is hours per rep per month"),
    ({"meeting_time": "25:00"}, "is not a time of day"),
    ({"coaching_questions": {"slipping": "Why {kpi}?"}}, "{kpi} is not filled in"),
    ({"kpis": {"revenue": {"kind": "output", "goal": 1}}, "metrics_import": {"columns": {"A": "calls"}}},
     "column mapped to unknown KPI 'calls'"),
    ({"reps": {"../x": "X"}}, "is not a folder name"),
    ({"managers": "Sam"}, "unknown setting 'managers'"),
])
def test_a_wrong_setting_is_an_error_naming_it(raw, says):
    with pytest.raises(ConfigError) as caught:
        build_config("onenotes.yaml", raw)
    assert says in caught.value.message and caught.value.problem.code == "config"


def test_of_two_wrong_settings_the_one_checked_first_is_reported():
    """The order of the checks is part of the behaviour: the same file always gets the same error."""
    with pytest.raises(ConfigError, match="unknown meeting_day"):
        build_config("onenotes.yaml", {"escalate_after": 0, "meeting_day": "mo"})
    with pytest.raises(ConfigError, match="unknown setting"):
        build_config("onenotes.yaml", {"meeting_day": "mo", "typo": 1})


def test_a_goal_typed_with_a_thousands_dot_is_refused_only_when_the_text_shows_it(tmp_path):
    """YAML reads ``20.000`` as 20.0: only the file's text tells it could mean twenty thousand."""
    raw = {"kpis": {"revenue": {"kind": "output", "goal": 20.0}}}
    assert build_config("onenotes.yaml", raw).kpis["revenue"].goal == 20.0  # no text: taken as read
    (tmp_path / "onenotes.yaml").write_text("kpis:\n  revenue: {kind: output, goal: 20.000}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="goal 20.000 could be 20 or 20000"):
        load_config(tmp_path)
    (tmp_path / "onenotes.yaml").write_text("kpis:\n  revenue: {kind: output, goal: 20.0}\n", encoding="utf-8")
    assert load_config(tmp_path).kpis["revenue"].goal == 20.0
