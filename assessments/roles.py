"""The two roles of Vertebro, as Django groups.

Clinicians create and edit their own assessments; Reviewers read every
assessment, its result page, PDF, history and access log, and change nothing.
Migration 0004 creates the groups; `ensure_roles()` puts them back (for
example after a test flushed the database).
"""

from functools import wraps

from django.apps import apps as django_apps
from django.contrib.auth.decorators import login_required
from django.contrib.auth.management import create_permissions
from django.core.exceptions import PermissionDenied

from accounts.backends import group_names

CLINICIANS = "Clinicians"
REVIEWERS = "Reviewers"

# Group name -> permission codenames (all in the `assessments` app).
ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    CLINICIANS: ("add_assessment", "change_assessment", "view_assessment"),
    REVIEWERS: (
        "review_assessment",
        "view_assessment",
        "view_historicalassessment",
        "view_accesslogentry",
    ),
}


def ensure_roles(apps=django_apps) -> None:
    """Create the groups if needed and give each exactly its permissions.

    `apps` is the app registry: the real one, or a migration's historical one.
    """
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    wanted = {codename for codenames in ROLE_PERMISSIONS.values() for codename in codenames}
    present = set(
        Permission.objects.filter(
            content_type__app_label="assessments", codename__in=wanted
        ).values_list("codename", flat=True)
    )
    if present != wanted:
        # A flushed database (transactional tests) may have lost the permission rows too.
        apps.get_model("contenttypes", "ContentType").objects.clear_cache()
        create_permissions(apps.get_app_config("assessments"), apps=apps, verbosity=0)
    for name, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = list(
            Permission.objects.filter(content_type__app_label="assessments", codename__in=codenames)
        )
        missing = set(codenames) - {permission.codename for permission in permissions}
        if missing:
            raise LookupError(f"Permissions missing for {name}: {', '.join(sorted(missing))}")
        group.permissions.set(permissions)


def is_clinician(user) -> bool:
    """Whether the user is an active member of the Clinicians group now (read once a request).

    Every write — a questionnaire step, finalize, amend, discard, outcomes, delegations,
    imports, a launch from the electronic record — needs this AND ownership of the assessment
    or a current delegation: a clinician taken out of the group keeps no write access to
    their own assessments."""
    return user.is_authenticated and user.is_active and CLINICIANS in group_names(user)


def clinician_required(view):
    """View decorator: sign-in required (redirect), then the Clinicians group (else 403)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not is_clinician(request.user):
            raise PermissionDenied("Only members of the Clinicians group change assessments.")
        return view(request, *args, **kwargs)

    return login_required(wrapped)
