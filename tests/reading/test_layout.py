"""Rep names: how a name a person types is folded, matched to a rep's folder, and
made into one (``fold_name``, ``resolve_rep``, ``check_slug``, ``slugify``).

One fold serves every place a person types a name: ``new`` and the other commands
that take a rep, and ``import-metrics`` matching a CRM's reps and columns.
"""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import write
from onenotes.changes.import_metrics.matching import RepMatcher
from onenotes.errors import BadInputError, UnknownRepError
from onenotes.reading.layout import check_slug, fold_name, resolve_rep, scan, slugify
from onenotes.reading.notebook import load_notebook

NFC = lambda text: unicodedata.normalize("NFC", text)  # noqa: E731
NFD = lambda text: unicodedata.normalize("NFD", text)  # noqa: E731


# ------------------------------------------------------------ fold_name ---

@pytest.mark.parametrize("typed, name", [
    ("Jose", "José"), (NFD("José Núñez"), "jose nunez"), ("dana kim", "dana-kim"), ("DANA_KIM", "Dana Kim"),
    ("  Dana   Kim ", "dana.kim"), ("Mary Jo O Brien", "Mary-Jo O'Brien"), ("strasse", "Straße"),
    ("Ann (EMEA)", "ann-emea"), ("fiona", "\ufb01ona"),
])
def test_fold_name_ignores_accents_case_and_what_stands_between_words(typed, name):
    assert fold_name(typed) == fold_name(name)


@pytest.mark.parametrize("one, other", [
    ("Revenue ($)", "Revenue"), ("Win rate %", "Win rate"), ("Revenue (\u20ac)", "Revenue ($)"),
    ("Ann Lee", "Annie Lee"), ("jose", "josef"), ("danakim", "dana kim"),
])
def test_fold_name_keeps_letters_digits_percent_and_currency_signs_apart(one, other):
    assert fold_name(one) != fold_name(other)


# A name as typed: letters of many scripts (with their accents and marks), digits and
# the punctuation people put in names.
names = st.text(st.characters(whitelist_categories=("Lu", "Ll", "Lt", "Lo", "Mn", "Mc", "Nd"),
                              max_codepoint=0x3000) | st.sampled_from(" -_.'(),&+"),
                min_size=1, max_size=20)


def _slug_of(name: str) -> str | None:
    """The folder ``new NAME --add`` makes, or None when it makes none."""
    try:
        slug = slugify(check_slug(name))
        return check_slug(slug) if slug else None
    except BadInputError:
        return None


@settings(max_examples=400, deadline=None)
@given(names)
def test_a_reps_folder_made_from_a_name_is_found_by_that_name(name):
    slug = _slug_of(name)
    if slug is None:
        return
    assert fold_name(slug) == fold_name(name)
    assert resolve_rep([slug], {}, name) == slug


# ---------------------------------------------------------- resolve_rep ---

KNOWN = ["ann", "bob-okafor", "carla-mendes", unicodedata.normalize("NFC", "josé")]
NAMES = {"ann": "Ann Lee", "bob-okafor": "Bob Okafor", "carla-mendes": "Carla Mendes"}


def test_resolve_rep_nfd_name_matches_an_nfc_folder():
    typed = unicodedata.normalize("NFD", "José")
    assert typed != "José"  # really decomposed
    assert resolve_rep(KNOWN, NAMES, typed) == unicodedata.normalize("NFC", "josé")


def test_resolve_rep_nfd_name_matches_an_nfc_folder_on_disk(notebook):
    nfc = unicodedata.normalize("NFC", "josé")
    (notebook / nfc).mkdir()
    known = scan(notebook).rep_dirs
    assert resolve_rep(known, {}, unicodedata.normalize("NFD", "José")) == nfc


@pytest.mark.parametrize("typed, slug", [
    ("ann", "ann"), ("ANN", "ann"), ("  Ann ", "ann"),
    ("Ann Lee", "ann"), ("ann lee", "ann"), ("ann-lee", "ann"),
    ("Bob Okafor", "bob-okafor"), ("BOB-OKAFOR", "bob-okafor"),
    ("bob", "bob-okafor"), ("Carla", "carla-mendes"),
])
def test_resolve_rep_matches_slug_display_name_and_unique_first_name(typed, slug):
    assert resolve_rep(KNOWN, NAMES, typed) == slug


def test_resolve_rep_ambiguous_first_name_is_refused():
    with pytest.raises(UnknownRepError) as info:
        resolve_rep(["bob-okafor", "bob-smith"], {}, "bob")
    assert "bob-okafor" in info.value.message and "bob-smith" in info.value.message


@pytest.mark.parametrize("typed", ["../x", "../../etc", "/etc", "a/b", "a\\b", "", "   ", ".hidden",
                                   ".", "..", "ann\x1b[31m", "templates"])
def test_resolve_rep_refuses_paths_hidden_and_empty_names(typed):
    with pytest.raises(BadInputError):
        resolve_rep(KNOWN, NAMES, typed)


def test_check_slug_accepts_and_normalises_a_plain_name():
    assert check_slug(" ann ") == "ann"
    assert check_slug(unicodedata.normalize("NFD", "josé")) == unicodedata.normalize("NFC", "josé")


def test_slugify_display_names():
    assert slugify("Dana Kim") == "dana-kim"
    assert slugify(unicodedata.normalize("NFD", "José Núñez")) == unicodedata.normalize("NFC", "josé-núñez")


def test_resolve_rep_unknown_name_lists_known_reps():
    with pytest.raises(UnknownRepError) as info:
        resolve_rep(KNOWN, NAMES, "zed")
    message = info.value.message
    assert "unknown rep 'zed'" in message
    for slug in KNOWN:
        assert slug in message


def test_resolve_rep_unknown_name_in_an_empty_notebook():
    with pytest.raises(UnknownRepError) as info:
        resolve_rep([], {}, "ann")
    assert "none yet" in info.value.message


def test_resolve_rep_through_the_loaded_notebook(acme):
    nb = load_notebook(acme)
    names = {slug: nb.rep_name(slug) for slug in nb.reps()}
    assert resolve_rep(nb.reps(), names, "Alice Nguyen") == "alice-nguyen"
    assert resolve_rep(nb.reps(), names, "carla") == "carla-mendes"
    with pytest.raises(UnknownRepError):
        resolve_rep(nb.reps(), names, "dave")


@pytest.mark.parametrize("typed, slug", [
    ("jose", "josé"), ("JOSÉ", "josé"), ("dana kim", "dana-kim"), ("Dana_Kim", "dana-kim"),
    ("Mary Jo O Brien", "mary-jo-o-brien"), ("mary", "mary-jo-o-brien"), ("ann emea", "ann-emea"),
])
def test_resolve_rep_finds_a_folder_typed_without_its_accents_or_hyphens(typed, slug):
    known = [NFC("josé"), "dana-kim", "mary-jo-o-brien", "ann-emea"]
    assert resolve_rep(known, {}, typed) == NFC(slug)


@pytest.mark.parametrize("known, typed", [
    (["Ann", "ann"], "ANN"),
    (["jose", NFC("josé")], "Jose"),
    (["dana-kim", "dana_kim"], "Dana Kim"),
])
def test_two_folders_that_fold_alike_are_refused_as_ambiguous_never_one_picked(known, typed):
    with pytest.raises(UnknownRepError) as info:
        resolve_rep(known, {}, typed)
    assert "could be any of" in info.value.message
    assert all(slug in info.value.message for slug in known)


@pytest.mark.parametrize("known, typed", [
    (["Ann", "ann"], "ann"), (["Ann", "ann"], "Ann"), (["jose", NFC("josé")], "jose"),
    (["jose", NFC("josé")], NFD("josé")), (["dana-kim", "dana_kim"], "dana_kim"),
])
def test_a_folder_typed_as_it_is_written_is_that_folder_even_when_another_folds_alike(known, typed):
    assert resolve_rep(known, {}, typed) == NFC(typed)


def test_two_reps_with_display_names_that_fold_alike_are_refused_as_ambiguous():
    names = {"samuel": "Sam Lee", "sam-l": "Sam Lée"}
    with pytest.raises(UnknownRepError) as info:
        resolve_rep(["sam-l", "samuel"], names, "sam lee")
    assert "samuel" in info.value.message and "sam-l" in info.value.message
    # A folder that folds as typed comes before display names: no ambiguity then.
    assert resolve_rep(["sam-l", "sam-lee", "samuel"], names, "sam lee") == "sam-lee"


# ------------------------------------- one fold for new and import-metrics ---

@pytest.fixture
def team(tmp_path):
    """A notebook whose reps have accents, hyphens and no display name in the config."""
    root = tmp_path / "team"
    write(root / "onenotes.yaml", "kpis:\n  revenue: {kind: output, goal: 100}\n"
                                  "reps:\n  josé-núñez: {name: José Núñez}\n")
    for rep in (NFC("josé-núñez"), "dana-kim", "mary-jo-o-brien"):
        (root / rep).mkdir()
    return root


@pytest.mark.parametrize("typed, slug", [
    ("jose nunez", "josé-núñez"), ("JOSE NUNEZ", "josé-núñez"), (NFD("José Núñez"), "josé-núñez"),
    ("Dana Kim", "dana-kim"), ("dana_kim", "dana-kim"), ("Mary Jo O'Brien", "mary-jo-o-brien"),
])
def test_new_and_import_metrics_find_the_same_rep_for_a_typed_name(team, typed, slug):
    """(A first name alone is the command line's shortcut: a CRM writes whole names.)"""
    book = load_notebook(team)
    assert book.resolve(typed) == NFC(slug)
    assert RepMatcher(book, {}).match(typed) == (NFC(slug), None)


def test_new_writes_into_the_folder_of_a_rep_typed_without_accents(cli, team):
    result = cli("--notebook", team, "new", "jose nunez", "--date", "2026-11-23", "--today", "2026-11-23")
    assert result.exit_code == 0, result.stderr
    assert (team / NFC("josé-núñez") / "2026-11-23.md").is_file()
    assert sorted(p.name for p in team.iterdir() if p.is_dir()) == sorted(
        [NFC("josé-núñez"), "dana-kim", "mary-jo-o-brien"])  # no new folder


def test_import_metrics_writes_into_the_folders_of_reps_typed_as_a_crm_does(cli, team, tmp_path):
    export = write(tmp_path / "export.csv", 'Rep,Revenue\nJOSE NUNEZ,10\n"Kim, Dana",20\n')
    result = cli("--notebook", team, "import-metrics", export, "--date", "2026-11-23", "--today", "2026-11-23")
    assert result.exit_code == 0, result.stderr
    book = load_notebook(team)
    figures = {n.rep: {m.name: m.actual for m in n.metrics} for n in book.notes}
    assert figures == {NFC("josé-núñez"): {"revenue": 10}, "dana-kim": {"revenue": 20}}


def test_new_and_import_metrics_both_refuse_a_name_two_reps_fold_to(cli, tmp_path):
    root = tmp_path / "twins"
    write(root / "onenotes.yaml", "kpis:\n  revenue: {kind: output, goal: 100}\n")
    for rep in ("jose", NFC("josé")):
        (root / rep).mkdir()
    result = cli("--notebook", root, "new", "Jose", "--date", "2026-11-23", "--today", "2026-11-23")
    assert result.exit_code == 1 and "could be any of" in result.stderr
    export = write(tmp_path / "export.csv", "Rep,Revenue\nJose,10\n")
    result = cli("--notebook", root, "import-metrics", export, "--date", "2026-11-23", "--today", "2026-11-23")
    assert result.exit_code == 1 and "could be any of" in result.stderr
    assert not list(root.glob("*/*.md"))
