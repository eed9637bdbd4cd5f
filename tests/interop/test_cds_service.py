"""The CDS Hooks service: discovery, cards, prefetch, body limit and the call log."""

import json
import re
import uuid
from datetime import date, timedelta

import pytest
from django.utils import timezone

from assessments.models import Assessment
from assessments.reports.display import GuidanceDisplay
from assessments.services import assessment_finalize
from interop.cds import service
from interop.models import CdsCall, CdsCard, LaunchHandle
from tests.factories import make_assessment
from vertebro_rules import versions
from vertebro_rules.dates import in_words
from vertebro_rules.vocabulary import Recommendation

from .conftest import PUBLIC_URL, bundle, call, hook_request, patient, procedure, service_request
from .validators import assert_valid_fhir, cds_errors

pytestmark = pytest.mark.django_db


@pytest.fixture
def finalized(alice):
    return assessment_finalize(assessment=make_assessment(alice), user=alice)


def cards_of(response) -> list[dict]:
    assert response.status_code == 200, response.content
    body = response.json()
    assert cds_errors("response", body) == []
    return body["cards"]


def test_discovery_lists_the_service_for_both_order_hooks(client):
    response = client.get("/cds-services")
    assert response.status_code == 200
    body = response.json()
    assert cds_errors("discovery", body) == []
    hooks = {entry["id"]: entry["hook"] for entry in body["services"]}
    assert hooks == {
        "vertebro-repeat-vertebroplasty": "order-select",
        "vertebro-repeat-vertebroplasty-sign": "order-sign",
    }
    for entry in body["services"]:
        assert set(entry["prefetch"]) == {"patient", "procedures"}


@pytest.mark.parametrize("hook", ["order-select", "order-sign"])
def test_without_an_assessment_an_app_link_card_with_an_opaque_handle(client, cds_settings, hook):
    body = hook_request(hook)
    assert cds_errors("request", body) == []
    [card] = cards_of(call(client, body))
    assert card["summary"] == service.APP_LINK_SUMMARY
    assert card["indicator"] == "info"
    [link] = card["links"]
    assert link["type"] == "absolute" and link["label"] == "Complete the Vertebro assessment"
    # The URL is the launch address and a random handle (secrets.token_urlsafe(32)), so it
    # carries no patient data: neither the MRN, the level nor the dates.
    token = link["url"].rstrip("/").rsplit("/", 1)[1]
    assert link["url"] == f"{PUBLIC_URL}/interop/launch/{token}/"
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", token)
    for fact in ("MRN-0001", "2026-10-01", "1956"):  # long enough never to be drawn at random
        assert fact not in token
    handle = LaunchHandle.objects.get()
    assert handle.prefill == {
        "patient_ref": "MRN-0001",
        "patient_age": 70,
        "sex": "female",
        "treated_level": "L1",
        "index_procedure_date": "2026-10-01",
    }
    assert link["url"].rstrip("/").rsplit("/", 1)[1] not in handle.digest


def test_a_recent_finalized_assessment_gives_a_guidance_card(client, cds_settings, finalized):
    [card] = cards_of(call(client, hook_request()))
    guidance = finalized.guidance
    assert card["summary"] == guidance["headline"]
    assert len(card["summary"]) < 140
    assert guidance["recommendation"] == Recommendation.REPEAT_INDICATED
    assert card["indicator"] == "info"
    result_url = f"{PUBLIC_URL}/assessments/{finalized.pk}/result/"
    # The source names Vertebro and the rules version; the result page is the card's link.
    assert card["source"]["label"] == f"Vertebro (rules {guidance['rules_version']})"
    assert "url" not in card["source"]
    assert card["source"]["topic"]["code"] == "repeat-vertebroplasty"
    assert card["links"] == [
        {"label": "Open the Vertebro result", "url": result_url, "type": "absolute"}
    ]
    # A short detail: the recommendation, the deciding reason, and where the rest is.
    assert len(card["detail"]) <= service.DETAIL_MAX_LENGTH
    finalized_on = in_words(timezone.localdate(finalized.finalized_at))
    assert card["detail"].startswith(
        f"**{Recommendation(guidance['recommendation']).label}** (Vertebro rules "
        f"{guidance['rules_version']}; patient assessed {in_words(finalized.assessment_date)}, "
        f"finalized {finalized_on})."
    )
    deciding = guidance["reasons"][0]
    assert f"**Why.** {service.without_ref_numbers(deciding['text'])[:40]}" in card["detail"]
    assert deciding["rule"] not in card["detail"]  # words, not the rule's code
    assert card["detail"].endswith(
        "Open the Vertebro result for the full guidance, its notes and references."
    )
    assert not LaunchHandle.objects.exists()


def test_every_card_has_its_own_uuid_and_is_kept_for_feedback(client, cds_settings, finalized):
    [first] = cards_of(call(client, hook_request()))
    [second] = cards_of(call(client, hook_request()))
    assert uuid.UUID(first["uuid"]) != uuid.UUID(second["uuid"])
    kept = CdsCard.objects.get(uuid=first["uuid"])
    assert (kept.kind, kept.assessment_id, kept.client) == (
        "guidance",
        finalized.pk,
        "https://ehr.example.org",
    )
    assert (kept.recommendation, kept.deciding_rule, kept.rules_version) == (
        finalized.recommendation,
        finalized.deciding_rule,
        finalized.rules_version,
    )
    # The guidance card offers the reasons to set it aside, in Vertebro's code system.
    codes = [reason["code"] for reason in first["overrideReasons"]]
    assert codes == [code for code, _ in service.OVERRIDE_REASONS]
    assert {reason["system"] for reason in first["overrideReasons"]} == {
        f"{PUBLIC_URL}/fhir/CodeSystem/cds-override-reason"
    }


def test_a_long_reason_is_shown_in_whole_sentences_never_cut_inside_one():
    long_sentence = "The pain " + "still " * 250 + "returns, unless it does not."
    guidance = GuidanceDisplay.from_json(
        {
            "recommendation": "repeat_indicated",
            "rules_version": "2026.2",
            "scenario": "relief_then_recurrence",
            "headline": "Repeat vertebroplasty is indicated at L1.",
            "reasons": [
                {"rule": "R10", "text": f"The index procedure failed at L1. {long_sentence}"}
                | {"refs": []}
            ],
            "missing": [],
            "notes": [],
            "references": [],
            "disclaimer": "",
            "days_since_index": 200,
            "days_since_recurrence": 20,
        }
    )
    card = service.guidance_card(
        guidance=guidance,
        result_url="https://v.example.org/r/",
        canonical_base="https://v.example.org/fhir",
        assessed=date(2026, 11, 28),
        finalized=date(2026, 12, 1),
        mismatch=service.index_date_mismatch(date(2026, 10, 1), date(2026, 10, 2)),
    )
    assert len(card["detail"]) <= service.DETAIL_MAX_LENGTH
    assert card["detail"].startswith("**Check the dates.** The record's vertebroplasty")
    # The first sentence whole, the second (too long for the card) left out whole: its
    # "unless it does not" is never separated from it.
    assert "**Why.** The index procedure failed at L1.\n\n" in card["detail"]
    assert "still" not in card["detail"] and "…" not in card["detail"]
    assert "R10" not in card["detail"]
    assert card["detail"].endswith("\n\nMore on the Vertebro result page.")
    # A date mismatch makes an info card a warning.
    assert card["indicator"] == "warning"


def test_a_work_up_card_is_a_warning_listing_the_missing_items(client, cds_settings, alice):
    assessment = make_assessment(
        alice,
        mri_performed=False,
        active_fracture_location=None,
        cleft_sign=None,
        marrow_edema=None,
        point_tenderness="not_examined",
    )
    final = assessment_finalize(assessment=assessment, user=alice)
    assert final.recommendation == Recommendation.COMPLETE_WORKUP
    [card] = cards_of(call(client, hook_request()))
    assert card["indicator"] == "warning"
    assert "Missing from the work-up" in card["detail"]
    assert "MRI of the spine" in card["detail"]


def test_an_old_superseded_or_other_level_assessment_is_not_shown(client, cds_settings, finalized):
    Assessment.objects.filter(pk=finalized.pk).update(
        finalized_at=timezone.now() - timedelta(days=31)
    )
    [card] = cards_of(call(client, hook_request()))
    assert card["summary"] == service.APP_LINK_SUMMARY
    cds_settings.VERTEBRO_CDS_RECENT_DAYS = 40
    [card] = cards_of(call(client, hook_request()))
    assert card["links"][0]["label"] == "Open the Vertebro result"
    Assessment.objects.filter(pk=finalized.pk).update(status=Assessment.Status.SUPERSEDED)
    [card] = cards_of(call(client, hook_request()))
    assert card["summary"] == service.APP_LINK_SUMMARY


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(hook_request(order=service_request(code="99213")), id="not-a-vertebroplasty"),
        pytest.param(hook_request(procedures=[]), id="no-earlier-procedure"),
        pytest.param(
            hook_request(procedures=[procedure(level="T12")]), id="earlier-at-another-level"
        ),
        pytest.param(
            hook_request(procedures=[procedure(status="not-done")]), id="earlier-not-done"
        ),
    ],
)
def test_no_cards_when_not_a_repeat_vertebroplasty(client, cds_settings, finalized, body):
    assert cards_of(call(client, body)) == []


def test_order_select_reads_only_the_selected_order(client, cds_settings):
    body = hook_request("order-select")
    body["context"]["selections"] = ["ServiceRequest/something-else"]
    assert cards_of(call(client, body)) == []


def test_the_index_date_is_the_first_vertebroplasty_at_the_level(client, cds_settings):
    body = hook_request(
        procedures=[procedure(performed="2026-10-20"), procedure(performed="2026-10-01T09:30:00Z")]
    )
    cards_of(call(client, body))
    assert LaunchHandle.objects.get().prefill["index_procedure_date"] == "2026-10-01"


@pytest.mark.parametrize("missing", ["patient", "procedures"])
def test_missing_prefetch_is_412_with_an_operation_outcome(client, cds_settings, missing):
    body = hook_request()
    del body["prefetch"][missing]
    response = call(client, body)
    assert response.status_code == 412
    outcome = response.json()
    assert_valid_fhir(outcome)
    assert missing in outcome["issue"][0]["diagnostics"]


def test_a_malformed_request_is_400_naming_where(client, cds_settings):
    body = hook_request()
    del body["context"]["draftOrders"]
    response = call(client, body)
    assert response.status_code == 400
    assert "draftOrders" in response.json()["error"]


def test_the_body_limit_is_the_services_own(client, cds_settings):
    # Larger than the forms' 64 KiB: a prefetch of many Procedures is accepted.
    many = [procedure(performed=f"20{year:02d}-01-01", level="T4") for year in range(26)] * 40
    body = hook_request(procedures=[procedure(), *many])
    assert len(json.dumps(body)) > 64 * 1024
    assert len(cards_of(call(client, body))) == 1
    cds_settings.VERTEBRO_CDS_MAX_BODY_BYTES = 64 * 1024
    response = call(client, body)
    assert response.status_code == 413


def test_every_authenticated_call_is_logged_without_patient_data(client, cds_settings, finalized):
    """Calls without a valid token are counted per address, not written one row each."""
    body = hook_request()
    call(client, body)
    call(client, hook_request(procedures=[]))
    call(client, body, auth=False)
    rows = list(CdsCall.objects.order_by("id"))
    assert [(row.status, row.cards, row.card_kinds) for row in rows] == [
        (200, 1, "guidance"),
        (200, 0, ""),
    ]
    assert rows[0].client == "https://ehr.example.org"
    assert rows[0].hook == "order-sign"
    assert rows[0].hook_instance == body["hookInstance"]
    logged = json.dumps([vars(row) for row in rows], default=str)
    for fact in ("MRN-0001", "1956-03-02", "2026-10-01"):
        assert fact not in logged


def test_indicator_for_every_recommendation():
    """Red flags (R1, R17, R16) and contraindications are critical; a guidance with a warning
    (§5a) is never below "warning"."""
    expected = {
        "urgent_referral": "critical",
        "exclude_infection": "critical",
        "manage_infection": "critical",
        "assess_complication": "critical",
        "contraindicated": "critical",
        "complete_workup": "warning",
        "not_indicated": "warning",
        "evaluate_new_level": "warning",
        "continue_conservative": "warning",
        "refer_oncology_mdt": "warning",
        "decide_with_spine_team": "warning",
    }
    for recommendation in versions.get("2026.3").vocabulary.Recommendation.values:
        assert service.indicator_for(recommendation) == expected.get(recommendation, "info")
        with_warning = service.indicator_for(recommendation, has_warnings=True)
        assert with_warning == expected.get(recommendation, "warning")


def test_patient_identifier_prefers_the_configured_system_then_the_mrn():
    the_patient = patient()
    assert service.patient_identifier(the_patient) == "MRN-0001"
    assert service.patient_identifier(the_patient, "urn:oid:1.2.3") == "other-id"
    assert service.patient_identifier(the_patient, "urn:none") is None
    assert service.patient_identifier({"identifier": [{"value": "X1"}]}) == "X1"


def test_cds_response_schema_refuses_what_the_specification_forbids():
    card = {
        "summary": "Fine",
        "indicator": "info",
        "source": {"label": "Vertebro"},
        "links": [{"label": "Open", "url": "https://vertebro.example.org/x", "type": "absolute"}],
    }
    assert cds_errors("response", {"cards": [card]}) == []
    # CDS Hooks 2.0.1: a "<140-character summary".
    assert cds_errors("response", {"cards": [{**card, "summary": "x" * 139}]}) == []
    assert cds_errors("response", {"cards": [{**card, "summary": "x" * 140}]})
    assert cds_errors("response", {"cards": [{**card, "indicator": "hard-stop"}]})
    assert cds_errors(
        "response", {"cards": [{**card, "links": [{"url": "https://a.org", "type": "absolute"}]}]}
    )
    assert cds_errors(
        "response", {"cards": [{**card, "links": [{"label": "Open", "url": "https://a.org"}]}]}
    )
    assert cds_errors("response", {"cards": [{**card, "source": {}}]})
    assert cds_errors("response", {})
    assert cds_errors("request", {"hook": "order-sign", "context": {}})
    bad_select = hook_request("order-select")
    del bad_select["context"]["selections"]
    assert cds_errors("request", bad_select)
    assert cds_errors("request", hook_request()) == []
    _ = bundle


def test_the_call_log_is_read_only_in_the_admin(client, cds_settings, superuser):
    call(client, hook_request())
    client.force_login(superuser)
    listing = client.get("/admin/interop/cdscall/")
    assert listing.status_code == 200
    assert b"order-sign" in listing.content
    row = CdsCall.objects.get()
    assert (
        client.post(f"/admin/interop/cdscall/{row.pk}/delete/", {"post": "yes"}).status_code == 403
    )
    assert CdsCall.objects.count() == 1
