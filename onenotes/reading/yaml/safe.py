"""YAML that means what a person typed.

PyYAML implements YAML 1.1, where ``no`` is false, ``9:30`` is 570 and
``01234`` is octal.  Notes are written by people, so this module loads YAML
with PyYAML's C parser (the fast one) but with resolvers close to YAML 1.2's
core schema, and it refuses what has no place in a note:

* ``yes``/``no``/``on``/``off`` stay strings; only ``true``/``false`` are booleans;
* integers are decimal; ``01234`` (leading zero) and ``9:30`` stay strings;
* duplicate keys are an error naming both lines;
* anchors and aliases are an error (no billion laughs, no cycles);
* explicit tags such as ``!!python/object`` are an error;
* text that is too large or nested too deeply is refused *before* the C
  parser sees it, because libyaml crashes the process on very deep nesting.

Every mapping comes back as a :class:`LineDict`, which remembers the file line
of each key, so later checks can name ``file:line``.

Loading runs in three steps: the size and nesting guards here; then the
checked fast path of :mod:`onenotes.reading.yaml.fast`, a small parser for the plain
subset notes are made of, which returns exactly what the full loader would or
declines; then, for what it declines, the full loader of
:mod:`onenotes.reading.yaml.full` (PyYAML).  The costliest guard, that of deep block
nesting, runs only before the full loader: the fast path declines every text
it would refuse.  This module does not import PyYAML, so a
note in the subset is read without paying for that import.
"""

from __future__ import annotations

import datetime as _dt
import os
import re

# What load_yaml gives and raises, defined with the loaders' other shared names:
# imported from here by the callers, which need know nothing of the loaders.
from onenotes.reading.yaml.types import (GENERIC_HINT, MAX_NESTING, LineDict, LineList,  # noqa: F401
                                         YamlProblem)

MAX_YAML_BYTES = 256 * 1024

# The checked fast path (onenotes.reading.yaml.fast) is on unless the environment says
# ONENOTES_YAML_FAST=0; tests flip FAST to compare it with the full loader.
FAST = os.environ.get("ONENOTES_YAML_FAST", "1") != "0"


# Block nesting shows as a long run of indentation and "- " / "? " / ": "
# indicators at the start of a line; libyaml crashes on it as on deep [[[.
# load_yaml searches for it only in what the fast path declines: that path
# declines any text with such a line (onenotes.reading.yaml.fast._DEEP_LINE).
_DEEP_BLOCK = re.compile(r"^[ \t?:-]{%d,}" % (3 * MAX_NESTING), re.M)


def _nesting_depth(text: str) -> int:
    """An upper bound on flow nesting ([ and {), cheap and quote-blind."""
    depth = best = 0
    for ch in text:
        if ch in "[{":
            depth += 1
            if depth > best:
                best = depth
        elif ch in "]}":
            if depth:
                depth -= 1
    return best


def _openers(text: str) -> int:
    """``text.count("[") + text.count("{")``, for a note, which has none or one of each:
    counting goes through the whole text where finding stops at the first, so count only
    where there are two or more (a third of the time on generated frontmatter)."""
    openers = 0
    for opener in "[{":
        first = text.find(opener)
        if first >= 0:
            openers += 1 if text.rfind(opener) == first else text.count(opener, first)
    return openers


_fast_path = None  # (parse, DECLINED) of onenotes.reading.yaml.fast, once imported


def _import_fast_path():
    """Imported on first use, not with this module (what only writes YAML never needs it),
    and kept for the next documents."""
    global _fast_path
    from onenotes.reading.yaml.fast import DECLINED, parse

    _fast_path = parse, DECLINED
    return _fast_path


def _too_deep(line_offset: int) -> YamlProblem:
    return YamlProblem(
        f"frontmatter is nested more than {MAX_NESTING} levels deep",
        line_offset + 1,
        hint="notes hold plain 'key: value' lines and short lists; flatten it",
    )


def load_yaml(text: str, line_offset: int = 0, only: str | None = None):
    """Parse one YAML document; raise :class:`YamlProblem` with file positions.

    ``line_offset`` is the number of file lines before ``text`` starts, so
    that reported lines count from the top of the file.

    ``only``: the caller reads nothing but that top-level key of a mapping.
    The outcome is the same (the same value under that key and the same
    line, or the same YamlProblem), but the fast path may leave the other
    keys out (:func:`onenotes.reading.yaml.fast.parse`); the full loader keeps them.
    """
    if len(text) > MAX_YAML_BYTES:
        raise YamlProblem(
            f"frontmatter is {len(text) // 1024} KiB, over the {MAX_YAML_BYTES // 1024} KiB limit",
            line_offset + 1,
            hint="keep long text in the body of the note",
        )
    # more openers than the limit is needed to nest deeper than it: count first (fast)
    if _openers(text) > MAX_NESTING and _nesting_depth(text) > MAX_NESTING:
        raise _too_deep(line_offset)
    if FAST:
        parse, declined = _fast_path or _import_fast_path()
        try:
            # Declines every text that _DEEP_BLOCK matches (it checks each new
            # line for it), so that guard, the costliest, runs only below.
            value = parse(text, line_offset, only)
        except Exception:  # pragma: no cover - a bug there must not cost a note: let the full loader decide
            value = declined
        if value is not declined:
            return value
    if _DEEP_BLOCK.search(text):
        raise _too_deep(line_offset)
    from onenotes.reading.yaml import full as yamlfull

    return yamlfull.load(text, line_offset)


# ---------------------------------------------------------------- writing ---

def to_yaml_scalar(value) -> str:
    """One value as a YAML flow scalar that means the same in YAML 1.1 and 1.2.

    Simple words and sentences are written plain; anything else is
    double-quoted JSON (valid YAML), so ``no``, ``Ann: VIP`` or a text with a
    newline can neither change type nor inject keys.  Dates
    are written quoted too: ``"2026-11-30"`` is a string in both versions and
    onenotes reads it as a date.
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return "null"
        text = repr(value)
        if "e" in text and "." not in text:  # 1e+16: YAML 1.1 wants 1.0e+16
            mantissa, exponent = text.split("e")
            text = f"{mantissa}.0e{exponent}"
        return text
    if isinstance(value, (_dt.date, _dt.datetime)):
        return quote_string(value.isoformat())
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(to_yaml_scalar(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(
            f"{to_yaml_scalar(str(k))}: {to_yaml_scalar(v)}" for k, v in value.items()
        ) + "}"
    text = str(value)
    if _PLAIN_SAFE.fullmatch(text) and text.lower() not in _YAML11_WORDS:
        return text
    return quote_string(text)


# A string that reads back as the same string, unquoted, under YAML 1.1 and 1.2
# readers, in block and flow context: starts with a letter, holds only word
# characters, spaces and a few harmless marks, and is not a YAML 1.1 keyword.
_PLAIN_SAFE = re.compile(r"[^\W\d_](?:[\w .'/-]*[\w.'])?$")
_YAML11_WORDS = {"y", "n", "yes", "no", "true", "false", "on", "off", "null"}


# Characters YAML does not allow raw in a double-quoted scalar, or that a YAML
# 1.1 reader would fold as a line break (NEL, LS, PS): written as escapes.
_YAML_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]")


def quote_string(text: str) -> str:
    """A double-quoted YAML string, readable (no needless escapes) and exact."""
    import json  # writing only: reading a note never needs it

    quoted = json.dumps(text, ensure_ascii=False)
    return _YAML_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", quoted)

