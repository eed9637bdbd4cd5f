"""vertebro_lib: the pieces every app uses the same way."""

import pytest

from vertebro_lib.codes import is_blank, label
from vertebro_lib.people import person_name
from vertebro_lib.spreadsheets import FORMULA_PREFIXES, neutralise
from vertebro_rules.vocabulary import Recommendation


class _User:
    def __init__(self, full_name: str, username: str):
        self.full_name, self.username = full_name, username

    def get_full_name(self) -> str:
        return self.full_name

    def get_username(self) -> str:
        return self.username


def test_a_person_is_named_by_full_name_else_user_name():
    assert person_name(_User("Alice Tester", "alice")) == "Alice Tester"
    assert person_name(_User("", "alice")) == "alice"


def test_nobody_is_named_as_the_caller_says():
    assert person_name(None) == ""
    assert person_name(None, nobody="—") == "—"


def test_a_code_reads_as_its_label():
    assert label(Recommendation, "repeat_indicated") == Recommendation.REPEAT_INDICATED.label
    assert label(Recommendation, "repeat_indicated") != "repeat_indicated"


def test_an_unknown_code_reads_as_itself():
    assert label(Recommendation, "retired_code") == "retired_code"


@pytest.mark.parametrize("value", [None, "", [], ()])
def test_blank_answers(value):
    assert is_blank(value)


@pytest.mark.parametrize("value", [0, False, "0", ["osteoporosis"], " "])
def test_answers_that_are_not_blank(value):
    assert not is_blank(value)


@pytest.mark.parametrize("prefix", FORMULA_PREFIXES)
def test_a_cell_a_spreadsheet_would_run_gets_a_quote(prefix):
    assert neutralise(f"{prefix}HYPERLINK(1)") == f"'{prefix}HYPERLINK(1)"


@pytest.mark.parametrize("text", ["MRN-1", "", "a=b", "Dr O'Neil", "2026-11-25"])
def test_other_cells_are_left_as_they_are(text):
    assert neutralise(text) == text


def test_the_formula_prefixes_are_owasps():
    assert set(FORMULA_PREFIXES) == {"=", "+", "-", "@", "\t", "\r"}
