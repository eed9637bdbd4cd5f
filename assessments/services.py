"""Writes that change an assessment's state (HackSoft style: keyword-only, typed)."""

import uuid
from collections.abc import Callable, Collection
from datetime import UTC

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from accounts import security_log
from assessments import integrity, rules_versions
from assessments.models import Assessment, RecordChainEntry, RulesVersionSwitch
from assessments.reports import display, frozen
from vertebro_lib.prepared import PreparedRead

# What happened to the patient after an assessment (the procedure, the follow-ups) belongs to
# the patient's episode, not to one version of the assessment. The apps that keep such records
# register here (outcomes does, in its AppConfig.ready) and are called, in the finalizing
# transaction, when an amendment supersedes the original: they move their records to it.
EpisodeTransfer = Callable[..., None]
_episode_transfers: list[EpisodeTransfer] = []


def register_episode_transfer(transfer: EpisodeTransfer) -> None:
    """`transfer(*, original, amendment, user)` moves an app's records to the amendment."""
    if transfer not in _episode_transfers:
        _episode_transfers.append(transfer)


# Apps that act on a finalized assessment (interop writes one started from the electronic
# record back to it) register here and are called in the finalizing transaction, after the
# row is saved; what they queue is committed with the finalization or not at all.
FinalizeListener = Callable[..., None]
_finalize_listeners: list[FinalizeListener] = []


def register_finalize_listener(listener: FinalizeListener) -> None:
    """`listener(*, assessment, user)` is called when `assessment` is finalized."""
    if listener not in _finalize_listeners:
        _finalize_listeners.append(listener)


class AssessmentNotEditable(Exception):
    """The assessment is final: it is never changed again."""


class WarningsNotAcknowledged(Exception):
    """Finalizing needs each warning of the guidance ticked as read; `missing` are the ids."""

    def __init__(self, missing: list[str]):
        self.missing = missing
        super().__init__(f"Tick each warning as read before finalizing: {', '.join(missing)}.")


@transaction.atomic
def assessment_finalize(
    *, assessment: Assessment, user, acknowledged: Collection[str] = ()
) -> Assessment:
    """Validate the whole assessment, freeze its guidance and mark it final.

    The assessment is validated and evaluated under its own rules version (the one
    its draft was started under or moved to). Each warning of the guidance (§5a) must
    be in `acknowledged` (the ids the clinician ticked as read); they are kept with
    who and when in the frozen record. Raises the core's `InvalidInput` when an input
    is missing or invalid, `WarningsNotAcknowledged` when a warning is not ticked,
    `AssessmentNotEditable` when the assessment is already final and `PermissionDenied`
    for anyone but its owner. The row is locked for the transaction, so two
    finalizations at once finalize once.
    """
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if not locked.is_draft:
        raise AssessmentNotEditable(
            "This assessment is already final."
            if locked.is_final
            else "This draft was discarded; it can no longer be finalized."
        )
    if locked.owner_id != user.pk:
        raise PermissionDenied("Only the clinician who owns a draft can finalize it.")
    now = timezone.now()
    locked.validate_inputs(today=timezone.localdate(now))
    result = locked.evaluate()
    locked.guidance = result.to_dict()
    warnings = locked.guidance.get("warnings", [])
    missing = [warning["id"] for warning in warnings if warning["id"] not in set(acknowledged)]
    if missing:
        raise WarningsNotAcknowledged(missing)
    locked.warning_acknowledgements = [
        {
            "id": warning["id"],
            "text": warning["text"],
            "acknowledged_by": user.pk,
            "acknowledged_by_name": user.get_full_name() or user.get_username(),
            "acknowledged_at": now.astimezone(UTC).isoformat(timespec="microseconds"),
        }
        for warning in warnings
    ]
    locked.display_record = frozen.display_record(
        guidance=locked.guidance, answer_groups=display.current_answer_groups(locked)
    )
    locked.rules_version = result.rules_version
    locked.status = Assessment.Status.FINAL
    locked.finalized_at = now
    locked.finalized_by = user
    locked.scenario = result.scenario
    locked.recommendation = result.recommendation
    locked.deciding_rule = result.reasons[0].rule
    locked.version += 1
    integrity.seal(locked)
    locked._history_user = user
    locked.save()
    # Chained after the row is written: on SQLite that write holds the database's one
    # write lock, so no other finalization reads the same chain head.
    integrity.chain_append(
        chain_model=RecordChainEntry, assessment=locked, event="finalize", now=now
    )
    if locked.amends_id:
        original = _supersede(original_id=locked.amends_id, user=user, now=now)
        for transfer in _episode_transfers:
            transfer(original=original, amendment=locked, user=user)
    for listener in _finalize_listeners:
        listener(assessment=locked, user=user)
    security_log.event_on_commit("finalize", user=user, assessment_id=locked.pk)
    return locked


# Every save of a step locks its row and reads the version and status: the SQL is written once
# (vertebro_lib.prepared). Only run inside the transaction of `assessment_save_step`, which
# the lock needs (Django checks it where a QuerySet is compiled, here once).
_locked_state = PreparedRead(
    lambda assessment_id: (
        Assessment.objects.select_for_update()
        .only("version", "status", "finalized_at")
        .filter(pk=assessment_id)
    ),
    placeholders=[uuid.UUID("7e57ab1e-0000-4000-8000-00000000570c")],
    fields=[Assessment._meta.pk],
)


class StaleAssessment(Exception):
    """The assessment changed since the page was loaded; saving would overwrite that change."""


@transaction.atomic
def assessment_save_step(
    *,
    assessment: Assessment,
    fields: tuple[str, ...],
    expected_version: int | None,
    user=None,
    validated: bool = False,
) -> Assessment:
    """Save one step's answers (already set on `assessment`) and return the saved assessment.

    A new assessment (not yet in the database) is created. An existing one is
    saved only if, with its row locked, its version is still `expected_version`
    (the version the clinician's page was built from) and it is still a draft,
    so two tabs saving at once never silently overwrite each other. Raises
    `StaleAssessment`, `AssessmentNotEditable`, `PermissionDenied` when `user` is not
    its owner, or `ValidationError` when the answers break a rule of the spec.

    `validated`: the caller has just run the model's validation of exactly `fields` on these
    values, as a valid ModelForm of those fields has (every input field may be blank, so the
    form excludes none of them); it is then not run a second time.
    """
    if user is not None and assessment.owner_id != user.pk:
        raise PermissionDenied("Only the clinician who owns a draft can change it.")
    if not validated:
        # Only this step's fields: the others were validated when their step was saved
        # (and checking the owner foreign key would cost a query for nothing).
        exclude = [f.name for f in Assessment._meta.fields if f.name not in fields]
        assessment.full_clean(exclude=exclude, validate_unique=False)
    if user is not None:
        assessment._history_user = user
    if assessment._state.adding:
        # A new draft runs under the active rules version until finalized or moved.
        assessment.rules()
        assessment.save()
        return assessment
    locked = _locked_state(assessment.pk)
    if not locked:
        raise Assessment.DoesNotExist(f"No assessment {assessment.pk}.")
    current = locked[0]
    if not current.is_draft:
        raise AssessmentNotEditable(
            "This assessment is final." if current.is_final else "This draft was discarded."
        )
    if expected_version is None or current.version != expected_version:
        raise StaleAssessment("This assessment was changed elsewhere since this page was loaded.")
    assessment.version = current.version + 1
    # A full save, so that the audit history (simple-history) records the change.
    assessment.save(update_fields=[*fields, "version", "updated"])
    return assessment


class NotDiscardable(Exception):
    """Only a draft can be discarded, and only by its clinician; a final assessment never."""


@transaction.atomic
def assessment_discard(*, assessment: Assessment, user) -> Assessment:
    """Discard a draft: it leaves My assessments and every page, and stays in the history.

    Nothing is deleted: the row is marked discarded, with who and when in its audit history.
    A discarded amendment lets go of the assessment it amended (the history keeps the
    link), so that one can be amended again. Raises `NotDiscardable` for a final or
    superseded assessment, one already discarded, or someone else's.
    """
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if locked.owner_id != user.pk:
        raise NotDiscardable("Only the clinician who owns a draft can discard it.")
    if not locked.is_draft:
        raise NotDiscardable("Only a draft can be discarded; a final assessment is kept as it is.")
    locked.status = Assessment.Status.DISCARDED
    locked.amends = None
    locked.version += 1
    locked._history_user = user
    locked._change_reason = "Draft discarded by its clinician"
    locked.save(update_fields=["status", "amends", "version", "updated"])
    return locked


class NotAmendable(Exception):
    """Only a final assessment (not a draft, not one already superseded) can be amended."""


def _supersede(*, original_id, user, now) -> Assessment:
    """Mark the amended original superseded; its inputs and frozen guidance are not touched.
    Its seal covers the status, so it is renewed and the supersession chained."""
    original = Assessment.objects.select_for_update().get(pk=original_id)
    original.status = Assessment.Status.SUPERSEDED
    integrity.seal(original)
    original._history_user = user
    original.save(update_fields=["status", "record_digest", "record_key_id", "updated"])
    integrity.chain_append(
        chain_model=RecordChainEntry, assessment=original, event="supersede", now=now
    )
    return original


@transaction.atomic
def assessment_amend(*, assessment: Assessment, user, reason: str = "") -> Assessment:
    """Start (or resume) the amendment of a final assessment: a draft pre-filled from it.

    The draft is linked to the original through `amends`; the original is
    only marked superseded when the amendment is finalized
    (`assessment_finalize`). An original has at most one amendment, so a
    second request returns the draft already started. Raises `NotAmendable`
    for a draft, a superseded assessment, or someone else's assessment. `reason` (why
    the clinician amends it; the web form requires one) is kept on the amendment and in
    its history.
    """
    original = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if original.owner_id != user.pk:
        raise NotAmendable("Only the clinician who owns an assessment can amend it.")
    if not original.is_current_final:
        raise NotAmendable(
            "Only a final assessment can be amended."
            if not original.is_final
            else "This assessment has already been amended; amend its successor instead."
        )
    existing = Assessment.objects.filter(amends=original).first()
    if existing is not None:
        return existing
    # A new draft: it runs under the active rules version, whatever the original's was.
    amendment = Assessment(
        owner=user,
        amends=original,
        amendment_reason=reason.strip(),
        rules_version=rules_versions.active_version(),
        **original.input_values(),
    )
    amendment.contraindications = list(original.contraindications or [])
    amendment._history_user = user
    if amendment.amendment_reason:
        amendment._change_reason = f"Amendment: {amendment.amendment_reason}"
    amendment.save()
    security_log.event_on_commit(
        "amend", user=user, assessment_id=amendment.pk, detail=f"amends {original.pk}"
    )
    return amendment


class NotReassessable(Exception):
    """Only the owner of a final assessment reassesses it."""


# The answers a reassessment asks again rather than copies: the findings of the day of the
# visit, and the MRI reading (the record keeps no date of the MRI, so an earlier reading
# carried over could be taken for a new one).
ASKED_AGAIN = (
    "vas_current",
    "conservative_therapy_weeks",
    "mobility",
    "analgesics",
    "opioid_failure",
    "point_tenderness",
    "neuro_exam",
    "infection_signs",
    "vertebral_infection",
    "complication_assessed",
    "contraindications",
    "mri_performed",
    "active_fracture_location",
    "cleft_sign",
    "cleft_new_since_index",
    "marrow_edema",
    "fluid_at_cement_interface",
)


@transaction.atomic
def assessment_reassess(*, assessment: Assessment, user) -> Assessment:
    """Start (or resume) a reassessment of a final assessment: a new draft pre-filled from it,
    for a later visit ("complete the work-up", then the MRI comes back).

    Unlike an amendment, the earlier assessment stays final and current (it was right on its
    day); the new draft has no assessment date yet (step 2 proposes today) and is linked to
    it through `reassesses`. A reassessment already in progress is returned, not doubled.

    What the patient and the index procedure were (its CT cement fill included) and the course
    of the pain are copied; the findings of the day and the MRI reading (`ASKED_AGAIN`: pain
    now, therapy so far, the examination, infection, complications, contraindications, the
    MRI) are left empty, to be asked again: a stale "Normal" examination or "No" sign of
    infection carried into a later visit would silence the red flags that read them, and an
    earlier MRI's edema or cleft could support a repeat procedure months later.
    """
    earlier = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if earlier.owner_id != user.pk:
        raise NotReassessable("Only the clinician who owns an assessment can reassess it.")
    if not earlier.is_current_final:
        raise NotReassessable(
            "Only a final assessment can be reassessed; finish this draft."
            if not earlier.is_final
            else "This assessment was amended; reassess its amendment instead."
        )
    existing = Assessment.objects.drafts().filter(reassesses=earlier).first()
    if existing is not None:
        return existing
    values = earlier.input_values()
    values["assessment_date"] = None
    for name in ASKED_AGAIN:
        values.pop(name, None)
    reassessment = Assessment(
        owner=user,
        reassesses=earlier,
        rules_version=rules_versions.active_version(),
        **values,
    )
    reassessment._history_user = user
    reassessment._change_reason = "Reassessment of a final assessment"
    reassessment.save()
    security_log.event_on_commit(
        "reassess", user=user, assessment_id=reassessment.pk, detail=f"reassesses {earlier.pk}"
    )
    return reassessment


class NotMovable(Exception):
    """Only its owner moves a draft, only a draft, and only to the active rules version."""


@transaction.atomic
def assessment_move_to_rules_version(
    *, assessment: Assessment, user, expected_version: int | None
) -> Assessment:
    """Move a draft started under an earlier rules version to the active one.

    Its answers are kept; the questions the active version adds are then asked (the
    draft's first incomplete step says which), and its guidance follows the active
    version. The move is in the draft's history, with who and when. Raises
    `NotMovable` for someone else's draft, a final assessment, or a draft already
    under the active version, and `StaleAssessment` when the page was built on an
    earlier save.
    """
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if locked.owner_id != user.pk:
        raise NotMovable("Only the clinician who owns a draft can move it to other rules.")
    if not locked.is_draft:
        raise NotMovable(
            "Only a draft moves; a final assessment keeps the rules it was finalized under."
        )
    active = rules_versions.active_version()
    if locked.rules_version == active:
        raise NotMovable(f"This draft already follows rules version {active}.")
    if expected_version is None or locked.version != expected_version:
        raise StaleAssessment("This assessment was changed elsewhere since this page was loaded.")
    previous = locked.rules_version
    locked.rules_version = active
    locked.version += 1
    locked._history_user = user
    locked._change_reason = f"Moved from rules version {previous} to {active} by its clinician"
    locked.save(update_fields=["rules_version", "version", "updated"])
    security_log.event_on_commit(
        "rules_version_move",
        user=user,
        assessment_id=locked.pk,
        detail=f"{previous} -> {active}",
    )
    return locked


class NotSwitchable(Exception):
    """The switch of the active rules version is refused; the message says why."""


@transaction.atomic
def rules_version_activate(*, version: str, user, reason: str) -> RulesVersionSwitch:
    """Switch the active rules version (an administrator's action, kept and security-logged).

    New drafts start under `version` from then on; drafts already started keep their
    version until their owner moves them; finalized assessments never change. Raises
    `NotSwitchable` for a user who is not a superuser, an unknown or incomplete version, the
    version already active, or a missing reason.
    """
    if user is None or not user.is_active or not user.is_superuser:
        raise NotSwitchable("Only an administrator (an active superuser) switches the rules.")
    if version not in rules_versions.known_versions():
        raise NotSwitchable(
            f"Unknown rules version {version!r}; known: "
            f"{', '.join(rules_versions.known_versions())}."
        )
    if not rules_versions.is_complete(version):
        raise NotSwitchable(
            f"Rules version {version} is not complete yet; it cannot be switched on."
        )
    reason = reason.strip()
    if not reason:
        raise NotSwitchable("Give the reason for the switch (e.g. the board's decision).")
    previous = rules_versions.active_version()
    if version == previous:
        raise NotSwitchable(f"Rules version {version} is already active.")
    switch = RulesVersionSwitch.objects.create(
        version=version, previous_version=previous, switched_by=user, reason=reason[:500]
    )
    security_log.event_on_commit(
        "rules_version_switch", user=user, detail=f"{previous} -> {version}"
    )
    return switch
