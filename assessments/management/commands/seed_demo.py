"""`python manage.py seed_demo` — demo users and demo assessments; safe to run twice.

The demo assessments cover the scenarios of the rules (spec §3) and most
recommendations, some final, some drafts at different steps. Each has a
fixed id, so a second run finds it and changes nothing.
"""

import uuid
from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from assessments import rules_versions, services
from assessments.models import Assessment
from assessments.roles import CLINICIANS, REVIEWERS, ensure_roles
from outcomes.demo import seed_current, seed_outcomes

DEMO_PASSWORD = "vertebro-demo-2026"
DEMO_USERS = (
    # username, first name, last name, group
    ("demo", "Dana", "Demo", CLINICIANS),
    ("colleague", "Chris", "Colleague", CLINICIANS),
    ("reviewer", "Robin", "Reviewer", REVIEWERS),
)
DEMO_NAMESPACE = uuid.UUID("5b0e8a8e-3f1e-4d55-9d0e-7a3c1b2f0c11")

# A complete immediate-failure case; each demo assessment changes what makes its scenario.
BASE = {
    "patient_age": 72,
    "sex": "female",
    "treated_level": "L1",
    "index_procedure_date": date(2026, 9, 1),
    "index_cement_volume_ml": Decimal("4.2"),
    "fracture_etiology": "osteoporotic",
    "bmd_t_score": Decimal("-2.1"),
    "prior_vertebral_fractures": 0,
    "assessment_date": date(2026, 9, 18),
    "initial_response": "no_relief",
    "recurrence_date": None,
    "vas_before_index": 8,
    "vas_current": 8,
    "conservative_therapy_weeks": 2,
    "mobility": "limited",
    "analgesics": "opioid",
    "opioid_failure": False,
    "mri_performed": True,
    "mri_not_possible": False,
    "active_fracture_location": "treated_level",
    "cleft_sign": "absent",
    "cleft_new_since_index": None,
    "marrow_edema": "present",
    "fluid_at_cement_interface": False,
    "cement_fill": "inadequate",
    "prior_cement_leakage": False,
    "point_tenderness": "present",
    "neuro_exam": "normal",
    "infection_signs": False,
    "complication_assessed": False,
    "contraindications": [],
}
NO_MRI = {
    "mri_performed": False,
    "active_fracture_location": None,
    "cleft_sign": None,
    "marrow_edema": None,
    "fluid_at_cement_interface": None,
}
RECURRENCE = {
    "initial_response": "relief_then_recurrence",
    "index_procedure_date": date(2026, 3, 10),
    "recurrence_date": date(2026, 8, 20),
    "assessment_date": date(2026, 10, 15),
    "conservative_therapy_weeks": 8,
}

# (owner, patient reference, final?, last complete step (4 = all), changes to BASE)
DEMO_ASSESSMENTS = (
    ("demo", "MRN-DEMO-001", True, 4, {"treated_level": "L1"}),  # R10 repeat indicated
    ("demo", "MRN-DEMO-002", True, 4, {"treated_level": "T12", "cement_fill": "adequate"}),  # R11
    (
        "demo",
        "MRN-DEMO-003",
        True,
        4,
        {**RECURRENCE, "cleft_sign": "present", "cleft_new_since_index": True},
    ),  # R12
    ("demo", "MRN-DEMO-004", False, 4, {**RECURRENCE, "treated_level": "L2"}),  # R13, draft
    (
        "demo",
        "MRN-DEMO-005",
        True,
        4,
        {"assessment_date": date(2026, 11, 2), "conservative_therapy_weeks": 3},
    ),  # persistent pain, R9
    (
        "demo",
        "MRN-DEMO-006",
        True,
        4,
        {"active_fracture_location": "adjacent_level", "assessment_date": date(2026, 11, 10)},
    ),  # R5
    (
        "demo",
        "MRN-DEMO-007",
        True,
        4,
        {
            "initial_response": "ongoing_relief",
            "vas_current": 1,
            "active_fracture_location": "none_identified",
            "marrow_edema": "absent",
        },
    ),  # R3: the treated level still relieved
    ("demo", "MRN-DEMO-008", False, 4, {"assessment_date": date(2026, 9, 3)}),  # too early, R4
    ("demo", "MRN-DEMO-009", True, 4, {**NO_MRI, "treated_level": "T11"}),  # R6 work-up
    ("demo", "MRN-DEMO-010", True, 4, {"neuro_exam": "new_deficit"}),  # R1 urgent referral
    ("demo", "MRN-DEMO-011", False, 4, {"contraindications": ["active_infection"]}),  # R2
    ("demo", "MRN-DEMO-012", False, 2, {"treated_level": "L3"}),  # draft: steps 1–2 done
    ("demo", "MRN-DEMO-013", False, 1, {"treated_level": "T8", "patient_age": 81}),  # step 1 done
    ("colleague", "MRN-DEMO-101", True, 4, {**RECURRENCE, "cleft_sign": "present"}),
    ("colleague", "MRN-DEMO-102", False, 3, {"treated_level": "L4"}),
)

# Under rules 2026.3 whatever the active version: what it added (the red flags of infection
# and of a complication, the oncology pathway, partial relief, MRI not possible, failed medical
# therapy, a warning read).
NEW_IN_2026_3 = (
    ("demo", "MRN-DEMO-020", True, 4, {"infection_signs": True}),  # R17 exclude infection
    ("demo", "MRN-DEMO-021", False, 2, {"vas_before_index": 5, "vas_current": 8}),  # R16 so far
    ("demo", "MRN-DEMO-022", True, 4, {"fracture_etiology": "neoplastic"}),  # R18 oncology MDT
    (
        "demo",
        "MRN-DEMO-023",
        True,
        4,
        {"initial_response": "partial_relief", "vas_before_index": 9, "vas_current": 5},
    ),  # R19 partial relief
    ("demo", "MRN-DEMO-024", True, 4, {**NO_MRI, "mri_not_possible": True}),  # R22 spine team
    (
        "demo",
        "MRN-DEMO-025",
        True,
        4,
        {
            **RECURRENCE,
            "recurrence_date": date(2026, 9, 25),
            "conservative_therapy_weeks": 2,
            "mobility": "bed_bound",
        },
    ),  # R23 failed medical therapy
    ("demo", "MRN-DEMO-026", True, 4, {"marrow_edema": "absent", "cleft_sign": "present"}),  # P4
)
RULES_2026_3 = "2026.3"

# Assessments finalized under rules 2026.2 before the switch: they print as on their day.
OLD_RECORDS = (("demo", "MRN-DEMO-201", True, 4, {"treated_level": "L2"}),)
OLD_VERSION = "2026.2"


def demo_id(patient_ref: str) -> uuid.UUID:
    return uuid.uuid5(DEMO_NAMESPACE, patient_ref)


class Command(BaseCommand):
    help = "Create the demo users and demo assessments. Running it twice changes nothing."

    def add_arguments(self, parser):
        parser.add_argument(
            "--url",
            default="http://127.0.0.1:8000/",
            help="Where the server will be reached, for the sign-in hint (make run passes it).",
        )

    @transaction.atomic
    def handle(self, *args, **options):
        ensure_roles()
        users = {
            username: self._user(username, first, last, group)
            for username, first, last, group in DEMO_USERS
        }
        created = 0
        active = rules_versions.active_version()
        for owner, patient_ref, final, last_step, changes in DEMO_ASSESSMENTS:
            created += self._assessment(
                users[owner], patient_ref, final, last_step, changes, active
            )
        for owner, patient_ref, final, last_step, changes in NEW_IN_2026_3:
            created += self._assessment(
                users[owner], patient_ref, final, last_step, changes, RULES_2026_3
            )
        for owner, patient_ref, final, last_step, changes in OLD_RECORDS:
            created += self._assessment(
                users[owner], patient_ref, final, last_step, changes, OLD_VERSION
            )
        total = len(DEMO_ASSESSMENTS) + len(NEW_IN_2026_3) + len(OLD_RECORDS)
        self.stdout.write(f"Demo assessments: {created} created, {total} in all.")
        outcomes = seed_outcomes(users)
        seed_current(users)
        self.stdout.write(
            f"Demo outcomes: {outcomes} patients with procedures and follow-ups created."
        )
        self.stdout.write(
            f"Demo clinician: sign in as 'demo' with password '{DEMO_PASSWORD}' at {options['url']}"
        )

    def _user(self, username, first_name, last_name, group):
        user, created = get_user_model().objects.get_or_create(
            username=username, defaults={"first_name": first_name, "last_name": last_name}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
        # The reviewer reads the admin (view only); clinicians work in the questionnaire.
        user.is_staff = group == REVIEWERS
        user.save()
        user.groups.add(Group.objects.get(name=group))
        return user

    def _assessment(self, owner, patient_ref, final, last_step, changes, version) -> bool:
        assessment_id = demo_id(patient_ref)
        if Assessment.objects.filter(pk=assessment_id).exists():
            return False
        fields = rules_versions.edition(version).FIELDS_BY_NAME
        values = {**BASE, **changes, "patient_ref": patient_ref}
        # A draft holds the answers of its completed steps only (of its rules version).
        kept = {
            name: value
            for name, value in values.items()
            if name in fields and fields[name].step <= last_step
        }
        assessment = Assessment(id=assessment_id, owner=owner, rules_version=version, **kept)
        assessment._history_user = owner
        assessment.full_clean()
        assessment.save()
        if final:
            # The demo clinician has read every warning of the demo cases.
            warnings = assessment.evaluate().to_dict().get("warnings", [])
            services.assessment_finalize(
                assessment=assessment,
                user=owner,
                acknowledged=[warning["id"] for warning in warnings],
            )
        return True
