"""A finalized assessment keeps every word its pages and PDF print (assessments/reports/frozen.py).

Assessments finalized before this migration (rules 2026.1) get the record of what they
printed then: the 2026.1 labels and reference texts are written out here, since the code's
labels have changed since (rules 2026.2). The record digest covers the display record from
record format 2 on: a digest that matched its record under format 1 is renewed under
format 2; one that did not match stays as it is, so the mismatch still shows."""

from datetime import date
from decimal import Decimal

from django.db import migrations, models

STEPS_2026_1 = (
    (
        1,
        "Patient and index procedure",
        (
            ("patient_ref", "Patient reference (MRN)", "text", True),
            ("patient_age", "Age (years)", "integer", True),
            ("sex", "Sex", "choice", False),
            ("treated_level", "Treated level", "choice", True),
            ("index_procedure_date", "Date of the index vertebroplasty", "date", True),
            ("index_cement_volume_ml", "Index cement volume (mL)", "decimal", False),
            ("fracture_etiology", "Fracture etiology", "choice", True),
            ("bmd_t_score", "Lowest DXA T-score", "decimal", False),
            ("prior_vertebral_fractures", "Prior vertebral fractures", "integer", True),
        ),
    ),
    (
        2,
        "Pain timeline",
        (
            ("assessment_date", "Assessment date", "date", True),
            ("initial_response", "Course of pain after the index procedure", "choice", True),
            ("recurrence_date", "Date the pain returned", "date", False),
            ("vas_before_index", "VAS before the index procedure", "integer", False),
            ("vas_current", "Current VAS", "integer", True),
            ("conservative_therapy_weeks", "Weeks of conservative therapy", "integer", True),
            ("mobility", "Mobility", "choice", False),
            ("analgesics", "Analgesics", "choice", False),
        ),
    ),
    (
        3,
        "Imaging",
        (
            ("mri_performed", "MRI performed", "boolean", True),
            ("active_fracture_location", "Location of the active fracture on MRI", "choice", False),
            ("cleft_sign", "Intravertebral cleft", "choice", False),
            ("cleft_new_since_index", "Cleft new since the index procedure", "boolean", False),
            ("marrow_edema", "Marrow edema", "choice", False),
            ("fluid_at_cement_interface", "Fluid at the bone–cement interface", "boolean", False),
            ("cement_fill", "Index cement fill", "choice", True),
            ("prior_cement_leakage", "Cement leakage at the index procedure", "boolean", False),
        ),
    ),
    (
        4,
        "Examination",
        (
            ("point_tenderness", "Point tenderness", "choice", True),
            ("neuro_exam", "Neurological examination", "choice", True),
            ("contraindications", "Contraindications", "choices", False),
        ),
    ),
)
MRI_ONLY_FIELDS = (
    "active_fracture_location",
    "cleft_sign",
    "cleft_new_since_index",
    "marrow_edema",
    "fluid_at_cement_interface",
)
FINDING = {"present": "Present", "absent": "Absent", "indeterminate": "Indeterminate"}
CHOICE_LABELS_2026_1 = {
    "sex": {"female": "Female", "male": "Male", "other": "Other", "unknown": "Unknown"},
    "fracture_etiology": {
        "osteoporotic": "Osteoporotic",
        "neoplastic": "Neoplastic",
        "traumatic": "Traumatic",
        "other": "Other",
    },
    "initial_response": {
        "no_relief": "No relief after the index procedure",
        "relief_then_recurrence": "Relief, then recurrence of pain",
        "ongoing_relief": "Ongoing relief",
    },
    "mobility": {"independent": "Independent", "limited": "Limited", "bed_bound": "Bed-bound"},
    "analgesics": {"none": "None", "non_opioid": "Non-opioid", "opioid": "Opioid"},
    "active_fracture_location": {
        "treated_level": "At the treated level",
        "adjacent_level": "At an adjacent level",
        "non_adjacent_level": "At a non-adjacent level",
        "none_identified": "No active fracture identified",
    },
    "cleft_sign": FINDING,
    "marrow_edema": FINDING,
    "cement_fill": {
        "adequate": "Adequate",
        "inadequate": "Inadequate (incomplete filling or cement missing the fracture)",
        "not_assessed": "Not assessed",
    },
    "point_tenderness": {"present": "Present", "absent": "Absent", "not_examined": "Not examined"},
    "neuro_exam": {
        "normal": "Normal",
        "chronic_stable_deficit": "Chronic, stable deficit",
        "new_deficit": "New deficit",
        "not_documented": "Not documented",
    },
    "contraindications": {
        "active_infection": "Active infection",
        "uncorrectable_coagulopathy": "Uncorrectable coagulopathy",
        "cement_allergy": "Allergy to bone cement",
        "canal_compromise": "Spinal canal compromise",
    },
}
SCENARIO_2026_1 = {
    "no_current_pain": "No current pain",
    "adjacent_level_fracture": "New fracture at an adjacent level",
    "non_adjacent_fracture": "New fracture at a non-adjacent level",
    "too_early": "Too early to judge (before day 4)",
    "immediate_failure": "Immediate failure (no relief, days 4–32)",
    "persistent_pain": "Persistent pain (no relief, beyond day 32)",
    "delayed_recurrence": "Delayed recurrence after relief",
}
RECOMMENDATION_2026_1 = {
    "urgent_referral": "Urgent referral",
    "contraindicated": "Contraindicated",
    "not_indicated": "Repeat vertebroplasty not indicated",
    "reassess_later": "Reassess later",
    "evaluate_new_level": "Evaluate the new level",
    "complete_workup": "Complete the work-up",
    "continue_conservative": "Continue conservative therapy",
    "repeat_indicated": "Repeat vertebroplasty indicated",
    "repeat_may_be_considered": "Repeat vertebroplasty may be considered",
}
WORKUP_2026_1 = {
    "mri": "MRI of the spine",
    "mri_findings": "A definite reading of marrow edema and cleft sign on MRI",
    "point_tenderness": "Examination for point tenderness at the treated level",
    "neuro_exam": "Baseline neurological examination",
    "cement_imaging": "CT or radiographs of the index cement fill",
}
REFERENCES_2026_1 = {
    1: "Repeat vertebroplasty for unrelieved pain at previously treated levels "
    "(immediate failure, 4–32 days; VAS 8.6 → 1.67; leakage 13–22%).",
    2: "Repeat vertebroplasty for recurrent pain at previously treated levels "
    "(cleft sign; cement 6.8 vs 4.2 mL; VAS 2.8 at 3 months).",
    3: "Mechanisms of vertebroplasty failure (incomplete filling, missed fracture, clefts, "
    "fluid at the bone–cement interface).",
    4: "Practice parameter for vertebral augmentation (selection: MRI edema, point tenderness, "
    "≥ 6 weeks of conservative therapy, baseline neurological examination; major "
    "complications < 1%; counselling and prevention).",
    5: "New fractures after vertebroplasty (58.8–63.8% adjacent; 72 vs 287 days).",
    6: "Risk factors for new fractures after vertebroplasty (1-year fracture-free rate 92.2%).",
    7: "Medical prevention of further osteoporotic fractures.",
}


def _answer_text(name, kind, required, value):
    """An answer in words, as the pages of rules 2026.1 wrote it."""
    if kind == "choices" and value == []:
        return "none"
    if value is None or value == "" or value == []:
        return "missing" if required else "not recorded"
    if kind == "boolean":
        return "Yes" if value else "No"
    labels = CHOICE_LABELS_2026_1.get(name, {})
    if kind == "choices":
        return "; ".join(labels.get(item, str(item)) for item in value)
    if kind == "choice":
        return labels.get(value, str(value))
    if isinstance(value, date):
        return value.strftime("%-d %b %Y")
    if isinstance(value, Decimal):
        return f"{value:.1f}"
    return str(value)


def record_2026_1(assessment) -> dict:
    """The display record of an assessment finalized under rules 2026.1."""
    guidance = assessment.guidance
    not_applicable = set()
    if assessment.initial_response != "relief_then_recurrence":
        not_applicable.add("recurrence_date")
    if assessment.mri_performed is False:
        not_applicable.update(MRI_ONLY_FIELDS)
    groups = []
    for number, title, fields in STEPS_2026_1:
        answers = []
        for name, label, kind, required in fields:
            text = _answer_text(name, kind, required, getattr(assessment, name))
            if text == "not recorded" and name in not_applicable:
                text = "not applicable"
            answers.append(
                {
                    "label": label,
                    "text": text,
                    "missing": False,
                    "empty": text in ("not recorded", "not applicable"),
                }
            )
        groups.append({"step": number, "title": title, "answers": answers})
    cited = sorted(
        {ref for item in (*guidance["reasons"], *guidance["notes"]) for ref in item["refs"]}
    )
    return {
        "format": 1,
        "recommendation": RECOMMENDATION_2026_1.get(
            guidance["recommendation"], guidance["recommendation"]
        ),
        "scenario": SCENARIO_2026_1.get(guidance["scenario"], guidance["scenario"]),
        "missing": [WORKUP_2026_1.get(item, item) for item in guidance.get("missing", [])],
        "references": [
            {"id": number, "text": REFERENCES_2026_1.get(number, "")} for number in cited
        ],
        "answers": groups,
    }


def keep_what_2026_1_printed(apps, schema_editor):
    from assessments import integrity

    Assessment = apps.get_model("assessments", "Assessment")
    finalized = Assessment.objects.exclude(status="draft").exclude(guidance=None)
    for assessment in finalized.iterator():
        digest_matched = bool(assessment.record_digest) and assessment.record_digest == (
            integrity.legacy_record_digest(assessment, record_format=1)
        )
        changes = {}
        if assessment.display_record is None and assessment.rules_version == "2026.1":
            assessment.display_record = changes["display_record"] = record_2026_1(assessment)
        if digest_matched:
            changes["record_digest"] = integrity.legacy_record_digest(assessment, record_format=2)
        if changes:
            Assessment.objects.filter(pk=assessment.pk).update(**changes)


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0010_rules_2026_2_labels"),
    ]

    operations = [
        migrations.AddField(
            model_name="assessment",
            name="display_record",
            field=models.JSONField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="historicalassessment",
            name="display_record",
            field=models.JSONField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(keep_what_2026_1_printed, migrations.RunPython.noop),
    ]
