"""What the record sent, said as it was sent: the app-link card and the launch page name the
answers the record held and those it did not, the 30 days a recent assessment means, and a
level the record shows treated more than once."""

import html
import re
from datetime import date

import pytest

from assessments.models import Assessment
from assessments.services import assessment_finalize
from interop.cds import service
from interop.models import LaunchHandle
from interop.smart.prefill import from_procedures
from tests.factories import make_assessment

from .conftest import PUBLIC_URL, call, hook_request, procedure
from .smart.ehr import procedure as ehr_procedure
from .validators import cds_errors

pytestmark = pytest.mark.django_db


def only_card(response) -> dict:
    assert response.status_code == 200, response.content
    assert cds_errors("response", response.json()) == []
    [card] = response.json()["cards"]
    return card


def test_the_app_link_card_says_the_30_days_and_the_answers_it_fills_in(client, cds_settings):
    card = only_card(call(client, hook_request()))
    assert card["detail"] == (
        "Vertebro holds no assessment of this patient at L1 finalized in the last 30 days. The "
        "link opens a new draft with the patient reference, age, sex, treated level and index "
        "vertebroplasty date taken from the record; confirm each, then answer the rest."
    )
    cds_settings.VERTEBRO_CDS_RECENT_DAYS = 14
    bare = {"resourceType": "Patient", "id": "p-1", "identifier": [{"value": "MRN-0001"}]}
    card = only_card(call(client, hook_request(the_patient=bare)))
    assert card["detail"] == (
        "Vertebro holds no assessment of this patient at L1 finalized in the last 14 days. The "
        "link opens a new draft with the patient reference, treated level and index "
        "vertebroplasty date taken from the record; confirm each, then answer the rest."
    )


def launch_page(client, user, body) -> tuple[str, str]:
    url = only_card(call(client, body))["links"][0]["url"].removeprefix(PUBLIC_URL)
    client.force_login(user)
    page = client.get(url)
    assert page.status_code == 200
    return html.unescape(page.content.decode()), url


def test_the_launch_page_lists_what_the_record_sent_and_what_it_did_not(
    client, cds_settings, alice
):
    text, _ = launch_page(client, alice, hook_request())
    assert (
        "The record sent the patient reference MRN-0001, age 70, sex female, treated level L1 "
        "and index vertebroplasty 1 Oct 2026."
    ) in text
    bare = {"resourceType": "Patient", "id": "p-1", "identifier": [{"value": "MRN-0002"}]}
    text, _ = launch_page(client, alice, hook_request(the_patient=bare))
    assert (
        "The record sent the patient reference MRN-0002, treated level L1 and index "
        "vertebroplasty 1 Oct 2026; the age and sex were not in the record."
    ) in text
    assert "The record sent the patient reference, age, sex" not in text


TWICE = [procedure(performed="2026-10-20"), procedure(performed="2026-10-01T09:30:00Z")]
TWICE_NOTE = (
    "The record shows 2 vertebroplasties at L1 (1 Oct 2026, 20 Oct 2026): Vertebro's guidance "
    "counts from the first and covers a first repeat only; decide with the "
    "spine team."
)


def test_a_level_treated_twice_is_said_on_the_app_link_card_and_the_draft(
    client, cds_settings, alice
):
    card = only_card(call(client, hook_request(procedures=TWICE)))
    assert card["detail"].startswith(f"**Check the record.** {TWICE_NOTE}\n\n")
    assert card["indicator"] == "warning"
    handle = LaunchHandle.objects.get()
    assert handle.prefill["index_procedure_date"] == "2026-10-01"  # the first (spec §1)
    handle.delete()
    text, url = launch_page(client, alice, hook_request(procedures=TWICE))
    assert TWICE_NOTE in text
    response = client.post(url, follow=True)
    draft = Assessment.objects.get(owner=alice)
    assert draft.index_procedure_date.isoformat() == "2026-10-01"
    # The draft keeps the note: step 1 says it, on this visit and on any later one.
    assert f"From the electronic record: {TWICE_NOTE}" in html.unescape(response.content.decode())
    client.logout()
    client.force_login(alice)
    step1 = client.get(f"/assessments/{draft.pk}/step/1/")
    assert f"From the electronic record: {TWICE_NOTE}" in html.unescape(step1.content.decode())
    step2 = client.get(f"/assessments/{draft.pk}/step/2/")
    assert TWICE_NOTE not in html.unescape(step2.content.decode())


def test_one_vertebroplasty_says_nothing_of_the_kind(client, cds_settings):
    card = only_card(call(client, hook_request()))
    assert "Check the record" not in card["detail"]
    assert "record_notes" not in LaunchHandle.objects.get().prefill


def test_a_level_treated_twice_is_said_on_the_guidance_card(client, cds_settings, alice):
    assessment_finalize(assessment=make_assessment(alice), user=alice)  # index 1 Oct 2026
    card = only_card(call(client, hook_request(procedures=TWICE)))
    assert card["detail"].startswith(f"**Check the record.** {TWICE_NOTE}\n\n")
    assert card["indicator"] == "warning"  # repeat indicated, an info card otherwise
    # A mismatch names the record's first vertebroplasty when there are several.
    later = [procedure(performed="2026-10-20"), procedure(performed="2026-09-15")]
    card = only_card(call(client, hook_request(procedures=later)))
    assert card["detail"].startswith(
        "**Check the dates.** The record's first vertebroplasty at this level is dated "
        "15 Sep 2026, the assessment's index procedure 1 Oct 2026"
    )


def test_the_note_counts_an_undated_vertebroplasty_too():
    assert service.several_procedures("T12", (None,)) == ""
    assert service.several_procedures("T12", (date(2026, 1, 5), None)) == (
        "The record shows 2 vertebroplasties at T12 (5 Jan 2026, no date): Vertebro's guidance "
        "counts from the first and covers a first repeat only; decide with "
        "the spine team."
    )


def test_a_smart_launch_says_a_level_treated_twice_too(settings):
    notes: list[str] = []
    bundle = {
        "resourceType": "Bundle",
        "entry": [
            {"resource": ehr_procedure("a", "L2", "2026-02-20")},
            {"resource": ehr_procedure("b", "L2", "2026-01-05")},
        ],
    }
    values = from_procedures(bundle, patient_id="pat-1", notes=notes)
    assert values == {"treated_level": "L2", "index_procedure_date": "2026-01-05"}
    assert notes == [
        "The record shows 2 vertebroplasties at L2 (5 Jan 2026, 20 Feb 2026): Vertebro's "
        "guidance counts from the first and covers a first repeat only; "
        "decide with the spine team."
    ]


# A field's block and its heading (its label or legend, the first to close).
HEADING = re.compile(r'<div id="div_id_(\w+)"(.*?)</(?:label|legend)>', re.DOTALL)


def marked(page) -> set[str]:
    """The step's fields whose heading carries the "From the EHR" mark."""
    return {
        match.group(1)
        for match in HEADING.finditer(page.content.decode())
        if "From the EHR" in match.group(2)
    }


def test_the_answers_from_the_record_stay_marked_with_the_draft_not_the_session(
    client, cds_settings, alice
):
    _, url = launch_page(client, alice, hook_request())
    client.post(url)
    draft = Assessment.objects.get(owner=alice)
    assert draft.from_record == {
        "answers": {
            "patient_ref": "MRN-0001",
            "patient_age": 70,
            "sex": "female",
            "treated_level": "L1",
            "index_procedure_date": "2026-10-01",
        },
        "notes": [],
    }
    every = {"patient_ref", "patient_age", "sex", "treated_level", "index_procedure_date"}
    assert marked(client.get(f"/assessments/{draft.pk}/step/1/")) == every
    # Signed in again (a new session): still marked.
    client.logout()
    client.force_login(alice)
    assert marked(client.get(f"/assessments/{draft.pk}/step/1/")) == every
    # An answer the clinician changed is theirs, no longer the record's.
    Assessment.objects.filter(pk=draft.pk).update(patient_age=71)
    assert marked(client.get(f"/assessments/{draft.pk}/step/1/")) == every - {"patient_age"}


def test_a_draft_typed_by_the_clinician_has_no_mark(client, alice):
    draft = make_assessment(alice)
    client.force_login(alice)
    page = client.get(f"/assessments/{draft.pk}/step/1/")
    assert page.status_code == 200
    assert marked(page) == set() and "From the EHR" not in page.content.decode()
