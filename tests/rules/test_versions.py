"""The rules versions behind one entry point (docs/specification.md §9): every version runs,
2026.2 unchanged, an unknown version is refused by name, and the default is listed."""

from datetime import date

import pytest

from tests.factories import json_case
from vertebro_rules import versions
from vertebro_rules.errors import InvalidInput
from vertebro_rules.versions import v2026_2

TODAY = date(2026, 11, 25)


def test_both_versions_are_listed_oldest_first_with_the_default_marked():
    listed = versions.list_versions()
    assert [item["version"] for item in listed] == ["2026.2", "2026.3"]
    assert [item["version"] for item in listed if item["default"]] == [versions.ACTIVE_DEFAULT]
    assert versions.VERSIONS == ("2026.2", "2026.3")


def test_the_default_is_a_complete_version():
    assert versions.get().COMPLETE
    assert versions.get().RULES_VERSION == versions.ACTIVE_DEFAULT


@pytest.mark.parametrize("name", ["2026.2", "2026.3"])
def test_each_version_evaluates_a_case_and_names_itself(name):
    guidance = versions.evaluate_case(json_case(), today=TODAY, version=name)
    assert guidance.to_dict()["rules_version"] == name


def test_version_2026_2_is_the_code_the_project_always_imported():
    from vertebro_rules import rules, validation

    inputs = validation.validate_case(json_case(), today=TODAY)
    assert rules.evaluate is v2026_2.evaluate
    assert versions.get("2026.2").evaluate(inputs).to_dict() == rules.evaluate(inputs).to_dict()


def test_an_unknown_version_is_refused_naming_the_versions_there_are():
    with pytest.raises(versions.UnknownVersion, match=r"'2025\.9'.*2026\.2, 2026\.3"):
        versions.get("2025.9")


def test_a_refused_case_raises_the_one_invalid_input_of_every_version():
    for name in versions.VERSIONS:
        with pytest.raises(InvalidInput) as refused:
            versions.validate_case(json_case(vas_current=11), today=TODAY, version=name)
        assert "vas_current" in refused.value.errors
