"""Every URL of the app, each persona's answer.

The table holds, for each named URL of the `assessments` namespace, the
method, the assessment it is opened on (alice's complete draft or her final
assessment) and the status code each persona gets. A URL added to the app
without a row here makes `test_every_url_of_the_app_has_a_row` fail.
"""

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from assessments.services import assessment_amend, assessment_discard, assessment_finalize
from tests.factories import make_assessment

SIGNED_IN = ("alice", "bob", "reviewer", "superuser")
PERSONAS = ("anonymous", *SIGNED_IN)
SIGN_IN = 302  # anonymous visitors are sent to the sign-in page

# name: (method, subject, extra kwargs, status for (alice, bob, reviewer, superuser))
# alice owns the subject; bob is another clinician; the reviewer reads everything, changes
# nothing; the superuser manages users in the admin and, in the app, is a reviewer. Every
# write (and its form) needs the Clinicians group first: anyone else gets 403 for the role,
# whatever the assessment; a clinician who does not own it gets 404.
TABLE = {
    "list": ("get", None, {}, (200, 200, 200, 200)),
    "new": ("get", None, {}, (200, 200, 403, 403)),
    "open": ("get", "draft", {}, (302, 404, 404, 404)),
    "step": ("get", "draft", {"step": 1}, (200, 404, 403, 403)),
    "review": ("get", "draft", {}, (200, 404, 404, 404)),
    "finalize": ("get", "draft", {}, (200, 404, 403, 403)),
    "result": ("get", "final", {}, (200, 404, 200, 200)),
    "amend": ("get", "final", {}, (200, 404, 403, 403)),
    # A write only (starting a reassessment): a GET is refused; the role is checked first.
    "reassess": ("get", "final", {}, (405, 405, 403, 403)),
    "discard": ("get", "draft", {}, (200, 404, 403, 403)),
    "pdf": ("get", "final", {}, (200, 404, 200, 200)),
    "report_preview": ("get", "final", {}, (200, 404, 200, 200)),
    "rules_impact": ("get", None, {}, (403, 403, 200, 200)),
    "reviewer_home": ("get", None, {}, (403, 403, 200, 200)),
    # A write only (moving a draft to the active rules version): a GET is refused for all.
    "move_rules": ("get", "draft", {}, (405, 405, 403, 403)),
}

# Writes the table does not show as GETs: each refused for everyone but the owner.
WRITES = {
    "new": ("post", None, {}, (None, None, 403, 403)),
    "step": ("post", "draft", {"step": 1}, (None, 404, 403, 403)),
    "finalize": ("post", "draft", {}, (None, 404, 403, 403)),
    "discard": ("post", "draft", {}, (None, 404, 403, 403)),
    "amend": ("post", "final", {}, (None, 404, 403, 403)),
    "reassess": ("post", "final", {}, (None, 404, 403, 403)),
    "move_rules": ("post", "draft", {}, (None, 404, 403, 403)),
}

ADMIN_URLS = {
    "admin:assessments_assessment_changelist": None,
    "admin:assessments_assessment_change": "final",
    "admin:assessments_assessment_history": "final",
    "admin:assessments_accesslogentry_changelist": None,
}
ADMIN_EXPECTED = {"anonymous": 302, "alice": 302, "bob": 302, "reviewer": 200, "superuser": 200}


def app_url_names() -> set[str]:
    """The names of every URL pattern in the `assessments` namespace, includes followed."""
    _, resolver = get_resolver().namespace_dict["assessments"]

    def walk(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns)
            elif isinstance(pattern, URLPattern):
                yield pattern.name

    return set(walk(resolver.url_patterns))


def test_every_url_of_the_app_has_a_row():
    names = app_url_names()
    assert names - set(TABLE) == set(), "add these URLs to TABLE with each persona's answer"
    assert set(TABLE) - names == set(), "these rows name URLs that no longer exist"


@pytest.fixture
def subjects(alice):
    superseded = assessment_finalize(
        assessment=make_assessment(alice, patient_ref="MRN-SUPERSEDED"), user=alice
    )
    amendment = assessment_amend(assessment=superseded, user=alice, reason="Level corrected")
    assessment_finalize(assessment=amendment, user=alice)
    superseded.refresh_from_db()
    return {
        "draft": make_assessment(alice, patient_ref="MRN-DRAFT"),
        "final": assessment_finalize(
            assessment=make_assessment(alice, patient_ref="MRN-FINAL"), user=alice
        ),
        "discarded": assessment_discard(
            assessment=make_assessment(alice, patient_ref="MRN-DISCARDED"), user=alice
        ),
        "superseded": superseded,
    }


def signed_in(client, request, persona):
    user = request.getfixturevalue(persona) if persona != "anonymous" else None
    if user is not None:
        client.force_login(user)
    return client


def expected(statuses: tuple, persona: str) -> int | None:
    return (
        SIGN_IN if persona == "anonymous" else dict(zip(SIGNED_IN, statuses, strict=True))[persona]
    )


def url_for(name, subject, kwargs, subjects) -> str:
    if subject is not None:
        kwargs = {"assessment_id": subjects[subject].pk, **kwargs}
    return reverse(f"assessments:{name}", kwargs=kwargs)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(TABLE))
def test_each_persona_gets_the_answer_in_the_table(client, request, subjects, name, persona):
    method, subject, kwargs, statuses = TABLE[name]
    url = url_for(name, subject, kwargs, subjects)
    response = getattr(signed_in(client, request, persona), method)(url)
    assert response.status_code == expected(statuses, persona), (name, persona)
    if persona == "anonymous":
        assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))


REFUSED_WRITES = [
    (name, persona)
    for name, (_, _, _, statuses) in sorted(WRITES.items())
    for persona in PERSONAS
    if expected(statuses, persona) is not None  # the owner's writes: the questionnaire's tests
]


@pytest.mark.parametrize(("name", "persona"), REFUSED_WRITES)
def test_writes_are_refused_to_everyone_but_the_owner_and_change_nothing(
    client, request, subjects, name, persona
):
    method, subject, kwargs, statuses = WRITES[name]
    url = url_for(name, subject, kwargs, subjects)
    before = {key: (a.version, a.status) for key, a in subjects.items()}
    response = getattr(signed_in(client, request, persona), method)(url, {"patient_ref": "X"})
    assert response.status_code == expected(statuses, persona), (name, persona)
    for key, assessment in subjects.items():
        assessment.refresh_from_db()
        assert (assessment.version, assessment.status) == before[key]
        assert assessment.patient_ref != "X"


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(ADMIN_URLS))
def test_only_staff_reach_the_admin_of_assessments(client, request, subjects, name, persona):
    subject = ADMIN_URLS[name]
    url = reverse(name, args=[subjects[subject].pk] if subject else [])
    response = signed_in(client, request, persona).get(url)
    assert response.status_code == ADMIN_EXPECTED[persona], (name, persona)
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("admin:login"))


# The `outcomes` namespace: the procedure, follow-ups and delegations of alice's final
# assessment (bob has no delegation), and the audit dashboard (reviewers see it with names,
# clinicians as the department view: others anonymised, only their own cases).
OUTCOME_TABLE = {
    "detail": ("get", "final", {}, (200, 404, 200, 200)),
    "procedure": ("get", "final", {}, (200, 404, 403, 403)),
    "follow_up": ("get", "final", {"interval": "1m"}, (302, 404, 403, 403)),
    "delegation_add": ("post", "final", {}, (400, 404, 403, 403)),
    "delegation_remove": ("post", "final", {"user_id": 1}, (302, 404, 403, 403)),
    "dashboard": ("get", None, {}, (200, 200, 200, 200)),
    "dashboard_pdf": ("get", None, {}, (200, 200, 200, 200)),
}


def outcome_url_names() -> set[str]:
    _, resolver = get_resolver().namespace_dict["outcomes"]
    return {pattern.name for pattern in resolver.url_patterns}


def test_every_url_of_outcomes_has_a_row():
    assert outcome_url_names() == set(OUTCOME_TABLE)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(OUTCOME_TABLE))
def test_each_persona_gets_the_outcome_answer_in_the_table(
    client, request, subjects, name, persona
):
    method, subject, kwargs, statuses = OUTCOME_TABLE[name]
    if subject is not None:
        kwargs = {"assessment_id": subjects[subject].pk, **kwargs}
    url = reverse(f"outcomes:{name}", kwargs=kwargs)
    response = getattr(signed_in(client, request, persona), method)(url)
    assert response.status_code == expected(statuses, persona), (name, persona)
    if persona == "anonymous":
        assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))


# The `interop` namespace (FHIR and CDS Hooks). Statuses for (anonymous, alice, bob, reviewer,
# superuser): the CDS endpoints answer the electronic record (a JWT, no session), so an
# anonymous call gets 401, not the sign-in page.
INTEROP_TABLE = {
    "cds_discovery": ("get", None, {}, (200, 200, 200, 200, 200)),
    "cds_service": (
        "post",
        None,
        {"service_id": "vertebro-repeat-vertebroplasty"},
        (401, 401, 401, 401, 401),
    ),
    "cds_feedback": (
        "post",
        None,
        {"service_id": "vertebro-repeat-vertebroplasty"},
        (401, 401, 401, 401, 401),
    ),
    "launch": ("get", None, {"handle": "unknown"}, (SIGN_IN, 410, 410, 403, 403)),
    "import": ("get", None, {}, (SIGN_IN, 200, 200, 403, 403)),
    "questionnaire": ("get", None, {}, (200, 200, 200, 200, 200)),
    # Definitions, no patient data: open like the Questionnaire.
    "code_system": ("get", None, {"system_id": "recommendation"}, (200, 200, 200, 200, 200)),
    "metadata": ("get", None, {}, (200, 200, 200, 200, 200)),
    "structure_definition": (
        "get",
        None,
        {"extension_id": "replaces"},
        (200, 200, 200, 200, 200),
    ),
    "rules_library": ("get", None, {"version": "2026.3"}, (200, 200, 200, 200, 200)),
    "assessment_naming_system": ("get", None, {}, (200, 200, 200, 200, 200)),
    "assessment_resource": (
        "get",
        "final",
        {"resource_type": "QuestionnaireResponse"},
        (SIGN_IN, 200, 404, 200, 200),
    ),
    "export": ("get", "final", {"kind": "response"}, (SIGN_IN, 200, 404, 200, 200)),
    "follow_up_fhir": ("get", "final", {}, (SIGN_IN, 200, 404, 200, 200)),
}


def test_every_interop_url_has_a_row():
    _, resolver = get_resolver().namespace_dict["interop"]
    names = {pattern.name for pattern in resolver.url_patterns}
    assert names == set(INTEROP_TABLE)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(INTEROP_TABLE))
def test_each_persona_gets_the_interop_answer_in_the_table(
    client, request, subjects, name, persona
):
    method, subject, kwargs, statuses = INTEROP_TABLE[name]
    if subject is not None:
        kwargs = {"assessment_id": subjects[subject].pk, **kwargs}
    url = reverse(f"interop:{name}", kwargs=kwargs)
    response = getattr(signed_in(client, request, persona), method)(url)
    assert response.status_code == dict(zip(PERSONAS, statuses, strict=True))[persona], persona


# The same URLs on alice's discarded draft and on her superseded final assessment (amended
# and the amendment finalized). A discarded draft is gone for everyone, its owner included,
# on every page; a superseded assessment reads like a final one (marked superseded), but
# nobody amends it again or records its outcomes (they are recorded on the amendment).
# (namespace, name, subject, extra kwargs): statuses for (alice, bob, reviewer, superuser)
STATE_TABLE = {
    ("assessments", "open", "discarded", ()): (404, 404, 404, 404),
    ("assessments", "step", "discarded", (("step", 1),)): (404, 404, 403, 403),
    ("assessments", "review", "discarded", ()): (404, 404, 404, 404),
    ("assessments", "finalize", "discarded", ()): (404, 404, 403, 403),
    ("assessments", "discard", "discarded", ()): (404, 404, 403, 403),
    ("assessments", "result", "discarded", ()): (404, 404, 404, 404),
    ("assessments", "amend", "discarded", ()): (404, 404, 403, 403),
    ("assessments", "reassess", "discarded", ()): (405, 405, 403, 403),
    ("assessments", "pdf", "discarded", ()): (404, 404, 404, 404),
    ("assessments", "report_preview", "discarded", ()): (404, 404, 404, 404),
    ("outcomes", "detail", "discarded", ()): (404, 404, 404, 404),
    ("outcomes", "procedure", "discarded", ()): (404, 404, 403, 403),
    ("outcomes", "follow_up", "discarded", (("interval", "1m"),)): (404, 404, 403, 403),
    ("interop", "follow_up_fhir", "discarded", ()): (404, 404, 404, 404),
    ("outcomes", "delegation_add", "discarded", ()): (404, 404, 403, 403),
    ("outcomes", "delegation_remove", "discarded", (("user_id", 1),)): (404, 404, 403, 403),
    ("interop", "export", "discarded", (("kind", "response"),)): (404, 404, 404, 404),
    ("interop", "assessment_resource", "discarded", (("resource_type", "Bundle"),)): (
        404,
        404,
        404,
        404,
    ),
    ("assessments", "move_rules", "discarded", ()): (405, 405, 403, 403),
    ("assessments", "open", "superseded", ()): (302, 404, 404, 404),
    ("assessments", "step", "superseded", (("step", 1),)): (302, 404, 403, 403),
    ("assessments", "review", "superseded", ()): (302, 404, 404, 404),
    ("assessments", "finalize", "superseded", ()): (302, 404, 403, 403),
    ("assessments", "discard", "superseded", ()): (302, 404, 403, 403),
    ("assessments", "result", "superseded", ()): (200, 404, 200, 200),
    ("assessments", "amend", "superseded", ()): (302, 404, 403, 403),
    ("assessments", "reassess", "superseded", ()): (405, 405, 403, 403),
    ("assessments", "pdf", "superseded", ()): (200, 404, 200, 200),
    ("assessments", "report_preview", "superseded", ()): (200, 404, 200, 200),
    ("outcomes", "detail", "superseded", ()): (200, 404, 200, 200),
    ("outcomes", "procedure", "superseded", ()): (403, 404, 403, 403),
    ("outcomes", "follow_up", "superseded", (("interval", "1m"),)): (403, 404, 403, 403),
    ("interop", "follow_up_fhir", "superseded", ()): (200, 404, 200, 200),
    ("outcomes", "delegation_add", "superseded", ()): (403, 404, 403, 403),
    ("outcomes", "delegation_remove", "superseded", (("user_id", 1),)): (403, 404, 403, 403),
    ("interop", "export", "superseded", (("kind", "response"),)): (200, 404, 200, 200),
    ("interop", "assessment_resource", "superseded", (("resource_type", "Bundle"),)): (
        200,
        404,
        200,
        200,
    ),
    ("assessments", "move_rules", "superseded", ()): (405, 405, 403, 403),
}


def test_every_url_on_an_assessment_has_a_row_for_discarded_and_superseded():
    on_an_assessment = {("assessments", name) for name, row in TABLE.items() if row[1]}
    on_an_assessment |= {("outcomes", name) for name, row in OUTCOME_TABLE.items() if row[1]}
    on_an_assessment |= {("interop", name) for name, row in INTEROP_TABLE.items() if row[1]}
    for state in ("discarded", "superseded"):
        covered = {(space, name) for space, name, subject, _ in STATE_TABLE if subject == state}
        assert on_an_assessment - covered == set(), state


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("key", sorted(STATE_TABLE), ids=lambda key: f"{key[1]}-{key[2]}")
def test_discarded_and_superseded_assessments_answer_as_the_table_says(
    client, request, subjects, key, persona
):
    namespace, name, subject, extra = key
    tables = {"assessments": TABLE, "outcomes": OUTCOME_TABLE, "interop": INTEROP_TABLE}
    method = tables[namespace][name][0]
    url = reverse(
        f"{namespace}:{name}", kwargs={"assessment_id": subjects[subject].pk, **dict(extra)}
    )
    response = getattr(signed_in(client, request, persona), method)(url)
    assert response.status_code == expected(STATE_TABLE[key], persona), (key, persona)


@pytest.mark.parametrize("persona", SIGNED_IN)
def test_a_discarded_draft_is_in_no_list_or_audit(client, request, subjects, persona):
    user = request.getfixturevalue(persona)
    from assessments.models import Assessment

    discarded = subjects["discarded"]
    assert discarded not in Assessment.objects.visible_to(user)
    assert discarded not in Assessment.objects.in_audit()
    assert discarded not in Assessment.objects.finalized()
    assert discarded not in Assessment.objects.drafts()
    assert not discarded.is_final
