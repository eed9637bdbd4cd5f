"""CDS Hooks 2.0.1 conformance: SNOMED CT levels, never silence on an unread level, the
index-date check, feedback on cards, and CORS for browser-based clients."""

import json
import uuid
from datetime import date

import pytest

from assessments.reports.display import GuidanceDisplay
from assessments.services import assessment_finalize
from interop.cds import service
from interop.models import CdsCall, CdsCard, CdsFeedback, LaunchHandle
from tests.factories import make_assessment

from .conftest import (
    PUBLIC_URL,
    SERVICE_URL,
    call,
    hook_request,
    procedure,
    service_request,
    token,
)
from .validators import cds_errors

pytestmark = pytest.mark.django_db

FEEDBACK_URL = f"{SERVICE_URL}/feedback"
REASON_SYSTEM = f"{PUBLIC_URL}/fhir/CodeSystem/cds-override-reason"


@pytest.fixture
def finalized(alice):
    return assessment_finalize(assessment=make_assessment(alice), user=alice)


def cards_of(response) -> list[dict]:
    assert response.status_code == 200, response.content
    assert cds_errors("response", response.json()) == []
    return response.json()["cards"]


def snomed_site(code: str, display: str = "") -> list[dict]:
    coding = {"system": "http://snomed.info/sct", "code": code}
    if display:
        coding["display"] = display
    return [{"coding": [coding]}]


# --- Levels ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "level"),
    [("66794005", "L1"), ("23215003", "T12"), ("64864005", "T1"), ("49668003", "L5")],
)
def test_a_snomed_ct_vertebra_is_read_as_its_level(code, level):
    # The display is a SNOMED term with no "L1"-style text: only the code tells the level.
    site = snomed_site(code, "Bone structure of vertebra")
    assert service.level_of({"bodySite": site}) == level


def test_a_snomed_coded_order_and_procedure_find_the_assessment(client, cds_settings, finalized):
    order = {**service_request(), "bodySite": snomed_site("66794005", "Bone structure of L1")}
    earlier = {**procedure(), "bodySite": snomed_site("66794005")}
    [card] = cards_of(call(client, hook_request(order=order, procedures=[earlier])))
    assert card["links"][0]["url"] == f"{PUBLIC_URL}/assessments/{finalized.pk}/result/"


def test_an_order_whose_level_cannot_be_read_gets_a_level_not_recognised_card(
    client, cds_settings, caplog
):
    order = {**service_request(), "bodySite": snomed_site("421060004", "Spinal structure")}
    with caplog.at_level("INFO", logger="interop.cds.views"):
        [card] = cards_of(call(client, hook_request(order=order)))
    assert card["summary"] == "Vertebro cannot tell which vertebra this order is for"
    assert card["indicator"] == "warning"
    # In the clinician's words; how Vertebro reads a level is in the service log instead.
    assert card["detail"].startswith(
        "The order does not name the vertebral level in a form Vertebro can read. Check the "
        "level on the order; if that vertebra was treated by vertebroplasty before, complete "
        "a Vertebro assessment before the repeat procedure."
    )
    assert "`" not in card["detail"] and "bodySite" not in card["detail"]
    assert "SNOMED" not in card["detail"]
    assert "bodySite: a SNOMED CT vertebra" in caplog.text
    # Not a dead end: the card launches an assessment, with the patient the record names.
    [link] = card["links"]
    assert link["label"] == "Complete the Vertebro assessment"
    assert link["url"].startswith(f"{PUBLIC_URL}/interop/launch/")
    assert LaunchHandle.objects.get().prefill == {
        "patient_ref": "MRN-0001",
        "patient_age": 70,
        "sex": "female",
    }
    assert CdsCard.objects.get(uuid=card["uuid"]).kind == "level-unknown"
    assert CdsCall.objects.get().card_kinds == "level-unknown"


def test_an_earlier_vertebroplasty_of_unread_level_gets_the_card_too(client, cds_settings):
    earlier = {**procedure(), "bodySite": [{"text": "lumbar spine"}]}
    [card] = cards_of(call(client, hook_request(procedures=[earlier])))
    assert card["summary"] == (
        "A vertebroplasty in the record has no readable level: check whether L1 was treated before"
    )
    assert card["detail"].startswith(
        "A vertebroplasty in the record has no readable level: it may have been at L1. Check "
        "before ordering"
    )
    assert card["links"][0]["label"] == "Complete the Vertebro assessment"
    assert LaunchHandle.objects.get().prefill["treated_level"] == "L1"


def test_an_order_with_no_body_site_gets_the_card(client, cds_settings):
    order = service_request()
    del order["bodySite"]
    [card] = cards_of(call(client, hook_request(order=order)))
    assert card["summary"] == service.LEVEL_UNKNOWN_SUMMARY


# --- Index date -----------------------------------------------------------------------------


def test_an_index_date_the_record_disagrees_with_is_said_on_the_card(
    client, cds_settings, finalized
):
    # The assessment says 2026-10-01; the record's only vertebroplasty at L1 is 2026-09-15.
    [card] = cards_of(call(client, hook_request(procedures=[procedure(performed="2026-09-15")])))
    # Dates as the rest of the card writes them.
    assert card["detail"].startswith(
        "**Check the dates.** The record's vertebroplasty at this level is dated 15 Sep 2026, "
        "the assessment's index procedure 1 Oct 2026: check which is right before relying on "
        "this guidance."
    )
    # The summary, which many records show alone, says it first, in whole words.
    headline = finalized.guidance["headline"]
    assert card["summary"] == (
        f"Check the index date before relying on this guidance: {headline[0].lower()}{headline[1:]}"
    )
    assert card["indicator"] == "warning"  # the guidance itself is info (repeat indicated)


@pytest.mark.parametrize(
    ("headline", "summary"),
    [
        (
            "Repeat vertebroplasty may be considered at T4: medical therapy has failed "
            "(bed-bound); decide with the spine team.",
            "Check the index date before relying on this guidance: repeat vertebroplasty may be "
            "considered at T4: medical therapy has failed.",
        ),
        (
            "Repeat vertebroplasty may be considered at T12 (fracture of other etiology: decide "
            "with the spine team).",
            "Check the index date before relying on this guidance: repeat vertebroplasty may be "
            "considered at T12.",
        ),
        (
            "MRI is not possible: decide on repeat vertebroplasty at T11 with the spine team on "
            "CT and SPECT-CT.",
            "Check the index date before relying on this guidance: MRI is not possible.",
        ),
    ],
)
def test_a_mismatch_summary_leaves_out_whole_clauses_and_the_detail_keeps_the_headline(
    headline, summary
):
    guidance = GuidanceDisplay.from_json(
        {
            "recommendation": "decide_with_spine_team",
            "rules_version": "2026.3",
            "scenario": "persistent_pain",
            "headline": headline,
            "reasons": [{"rule": "R23", "text": "A reason.", "refs": []}],
            "missing": [],
            "notes": [],
            "references": [],
            "disclaimer": "",
            "days_since_index": 60,
            "days_since_recurrence": None,
        }
    )
    card = service.guidance_card(
        guidance=guidance,
        result_url="https://v.example.org/r/",
        canonical_base="https://v.example.org/fhir",
        assessed=date(2026, 12, 2),
        finalized=date(2026, 12, 4),
        mismatch=service.index_date_mismatch(date(2026, 1, 5), date(2026, 1, 7)),
    )
    assert card["summary"] == summary
    assert len(card["summary"]) < 140
    # The headline the summary shortened is whole in the detail.
    assert f"finalized 4 Dec 2026). {headline}\n\n" in card["detail"]


def test_agreeing_dates_say_nothing(client, cds_settings, finalized):
    [card] = cards_of(call(client, hook_request()))
    assert "Check the dates" not in card["detail"]
    assert card["indicator"] == "info"


# --- Feedback -------------------------------------------------------------------------------


def send_feedback(client, entries, *, auth=None, service_id="vertebro-repeat-vertebroplasty"):
    auth = auth or token(aud=f"{PUBLIC_URL}/cds-services/{service_id}/feedback")
    return client.post(
        f"/cds-services/{service_id}/feedback",
        data=json.dumps({"feedback": entries}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {auth}",
    )


def guidance_card(client) -> dict:
    [card] = cards_of(call(client, hook_request()))
    return card


def test_accepted_and_overridden_feedback_is_recorded(client, cds_settings, finalized):
    card = guidance_card(client)
    reason = card["overrideReasons"][1]
    response = send_feedback(
        client,
        [
            {
                "card": card["uuid"],
                "outcome": "accepted",
                "outcomeTimestamp": "2026-12-04T10:00:00Z",
            },
            {
                "card": card["uuid"],
                "outcome": "overridden",
                "overrideReason": {"reason": reason, "userComment": "Wants to wait."},
                "outcomeTimestamp": "2026-12-04T11:05:00+01:00",
            },
        ],
    )
    assert response.status_code == 200, response.content
    accepted, overridden = CdsFeedback.objects.order_by("outcome_timestamp")
    assert (accepted.outcome, accepted.override_reason_code) == ("accepted", "")
    assert overridden.outcome == "overridden"
    assert (overridden.override_reason_code, overridden.override_reason_display) == (
        "patient-preference",
        "Patient's informed preference",
    )
    assert overridden.user_comment == "Wants to wait."
    assert overridden.outcome_timestamp.isoformat() == "2026-12-04T10:05:00+00:00"
    for row in (accepted, overridden):
        assert row.card_uuid == uuid.UUID(card["uuid"])
        assert (row.recommendation, row.deciding_rule, row.rules_version) == (
            finalized.recommendation,
            finalized.deciding_rule,
            finalized.rules_version,
        )
        assert row.assessment_id == finalized.pk
    assert CdsCall.objects.filter(hook="feedback", status=200, cards=2).count() == 1


def test_feedback_on_an_app_link_card(client, cds_settings):
    [card] = cards_of(call(client, hook_request()))
    response = send_feedback(
        client,
        [{"card": card["uuid"], "outcome": "accepted", "outcomeTimestamp": "2026-12-04T10:00:00Z"}],
    )
    assert response.status_code == 200
    row = CdsFeedback.objects.get()
    assert (row.recommendation, row.assessment_id) == ("", None)


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"outcome": "accepted", "outcomeTimestamp": "2026-12-04T10:00:00Z"}, "feedback[1].card"),
        ({"outcome": "ignored", "outcomeTimestamp": "2026-12-04T10:00:00Z"}, "feedback[1].outcome"),
        ({"outcome": "accepted"}, "feedback[1].outcomeTimestamp is required"),
        ({"outcome": "accepted", "outcomeTimestamp": "2026-12-04T10:00:00"}, "time zone"),
        (
            {
                "outcome": "overridden",
                "outcomeTimestamp": "2026-12-04T10:00:00Z",
                "overrideReason": {"reason": {"system": "urn:other", "code": "because"}},
            },
            "not one of the card's overrideReasons",
        ),
        (
            {
                "outcome": "accepted",
                "outcomeTimestamp": "2026-12-04T10:00:00Z",
                "overrideReason": {"userComment": "?"},
            },
            "only for an overridden card",
        ),
        (
            {
                "outcome": "overridden",
                "outcomeTimestamp": "2026-12-04T10:00:00Z",
                "overrideReason": {"userComment": "x" * 501},
            },
            "userComment is longer than 500",
        ),
    ],
)
def test_bad_feedback_is_400_naming_the_entry_and_nothing_is_saved(
    client, cds_settings, finalized, entry, message
):
    card = guidance_card(client)
    good = {"card": card["uuid"], "outcome": "accepted", "outcomeTimestamp": "2026-12-04T10:00:00Z"}
    if "card" not in entry and entry is not None and message != "feedback[1].card":
        entry = {"card": card["uuid"], **entry}
    response = send_feedback(client, [good, entry])
    assert response.status_code == 400, response.content
    assert message in response.json()["error"]
    assert not CdsFeedback.objects.exists()


def test_feedback_on_an_unknown_card_is_404(client, cds_settings, finalized):
    response = send_feedback(
        client,
        [
            {
                "card": str(uuid.uuid4()),
                "outcome": "accepted",
                "outcomeTimestamp": "2026-12-04T10:00:00Z",
            }
        ],
    )
    assert response.status_code == 404
    assert "feedback[0].card" in response.json()["error"]
    assert not CdsFeedback.objects.exists()


def test_feedback_on_another_clients_card_is_404(client, cds_settings, finalized):
    card = guidance_card(client)
    CdsCard.objects.filter(uuid=card["uuid"]).update(client="https://other-ehr.example.org")
    response = send_feedback(
        client,
        [{"card": card["uuid"], "outcome": "accepted", "outcomeTimestamp": "2026-12-04T10:00:00Z"}],
    )
    assert response.status_code == 404


def test_feedback_needs_a_token_addressed_to_the_feedback_url(client, cds_settings, finalized):
    card = guidance_card(client)
    entry = {
        "card": card["uuid"],
        "outcome": "accepted",
        "outcomeTimestamp": "2026-12-04T10:00:00Z",
    }
    # A token for the service itself is not a token for its feedback endpoint.
    response = send_feedback(client, [entry], auth=token(aud=SERVICE_URL))
    assert response.status_code == 401
    assert "audience" in response.json()["error"]
    response = client.post(
        "/cds-services/vertebro-repeat-vertebroplasty/feedback",
        data=json.dumps({"feedback": [entry]}),
        content_type="application/json",
    )
    assert response.status_code == 401
    assert not CdsFeedback.objects.exists()


def test_feedback_for_an_unknown_service_is_404(client, cds_settings):
    response = send_feedback(client, [], service_id="nope")
    assert response.status_code == 404


# --- CORS -----------------------------------------------------------------------------------

ORIGIN = "https://ehr-web.example.org"


def preflight(client, path, origin=ORIGIN):
    return client.options(
        path,
        HTTP_ORIGIN=origin,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, content-type",
    )


@pytest.mark.parametrize(
    "path",
    [
        "/cds-services",
        "/cds-services/vertebro-repeat-vertebroplasty",
        "/cds-services/vertebro-repeat-vertebroplasty/feedback",
    ],
)
def test_a_preflight_from_a_listed_origin_is_answered(client, cds_settings, path):
    cds_settings.VERTEBRO_CDS_CORS_ORIGINS = [ORIGIN]
    response = preflight(client, path)
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == ORIGIN
    assert "POST" in response["Access-Control-Allow-Methods"]
    assert {"authorization", "content-type"} <= {
        h.strip().lower() for h in response["Access-Control-Allow-Headers"].split(",")
    }
    assert "Origin" in response["Vary"]
    assert "Access-Control-Allow-Credentials" not in response


def test_a_preflight_from_an_origin_not_listed_is_refused(client, cds_settings):
    cds_settings.VERTEBRO_CDS_CORS_ORIGINS = [ORIGIN]
    response = preflight(
        client, "/cds-services/vertebro-repeat-vertebroplasty", "https://evil.example"
    )
    assert response.status_code == 403
    assert "Access-Control-Allow-Origin" not in response


def test_by_default_no_origin_is_allowed(client, cds_settings):
    response = preflight(client, "/cds-services")
    assert response.status_code == 403
    response = client.get("/cds-services", HTTP_ORIGIN=ORIGIN)
    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response


def test_the_call_itself_carries_the_allow_origin_header(client, cds_settings):
    cds_settings.VERTEBRO_CDS_CORS_ORIGINS = [ORIGIN]
    response = client.post(
        "/cds-services/vertebro-repeat-vertebroplasty",
        data=json.dumps(hook_request()),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token()}",
        HTTP_ORIGIN=ORIGIN,
    )
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == ORIGIN
    # A refusal too, so that the browser client can read why.
    response = client.post(
        "/cds-services/vertebro-repeat-vertebroplasty",
        data="{}",
        content_type="application/json",
        HTTP_ORIGIN=ORIGIN,
    )
    assert response.status_code == 401
    assert response["Access-Control-Allow-Origin"] == ORIGIN


def test_a_wildcard_allows_any_origin(client, cds_settings):
    cds_settings.VERTEBRO_CDS_CORS_ORIGINS = ["*"]
    response = preflight(client, "/cds-services", "https://any.example")
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"


# --- The audit's figures --------------------------------------------------------------------


def test_feedback_counts_group_guidance_cards_by_recommendation_outcome_and_reason(
    client, cds_settings, finalized, alice
):
    from dataclasses import dataclass
    from datetime import date

    from interop.feedback_figures import feedback_counts

    @dataclass
    class Filter:
        date_from: date | None = None
        date_to: date | None = None
        clinician_id: int | None = None
        treated_level: str | None = None

    card = guidance_card(client)
    [app_link] = cards_of(
        call(client, hook_request(procedures=[procedure(level="T4")], order=service_request("T4")))
    )
    reason = card["overrideReasons"][0]
    entries = [
        {"card": card["uuid"], "outcome": "accepted", "outcomeTimestamp": "2026-12-01T10:00:00Z"},
        {"card": card["uuid"], "outcome": "accepted", "outcomeTimestamp": "2026-12-02T10:00:00Z"},
        {
            "card": card["uuid"],
            "outcome": "overridden",
            "overrideReason": {"reason": reason},
            "outcomeTimestamp": "2026-12-03T10:00:00Z",
        },
        {
            "card": app_link["uuid"],
            "outcome": "accepted",
            "outcomeTimestamp": "2026-12-03T10:00:00Z",
        },
    ]
    assert send_feedback(client, entries).status_code == 200
    repeat = finalized.recommendation
    assert feedback_counts(Filter()) == [
        {"recommendation": repeat, "outcome": "accepted", "override_reason": "", "n": 2},
        {
            "recommendation": repeat,
            "outcome": "overridden",
            "override_reason": reason["display"],
            "n": 1,
        },
    ]
    assert feedback_counts(Filter(date_from=date(2026, 12, 2), date_to=date(2026, 12, 2))) == [
        {"recommendation": repeat, "outcome": "accepted", "override_reason": "", "n": 1}
    ]
    assert feedback_counts(Filter(treated_level="T4")) == []
    assert [row["n"] for row in feedback_counts(Filter(clinician_id=alice.pk))] == [2, 1]


def test_feedback_shows_in_the_department_audit(client, cds_settings, finalized, reviewer):
    from django.urls import reverse

    client.force_login(reviewer)
    page = client.get(reverse("outcomes:dashboard")).content.decode()
    assert "No feedback from the electronic record yet." in page
    client.logout()
    card = guidance_card(client)
    now = "2026-12-04T10:00:00Z"
    entries = [
        {"card": card["uuid"], "outcome": "accepted", "outcomeTimestamp": now},
        {"card": card["uuid"], "outcome": "accepted", "outcomeTimestamp": now},
        {
            "card": card["uuid"],
            "outcome": "overridden",
            "overrideReason": {"reason": card["overrideReasons"][0]},
            "outcomeTimestamp": now,
        },
    ]
    assert send_feedback(client, entries).status_code == 200
    client.force_login(reviewer)
    page = client.get(reverse("outcomes:dashboard")).content.decode()
    assert "Repeat recommended: 2 accepted, 1 overridden" in page
    assert "No feedback from the electronic record yet." not in page
