"""Create the Clinicians and Reviewers groups with their permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

# Frozen copy of assessments.roles.ROLE_PERMISSIONS as of this migration.
ROLE_PERMISSIONS = {
    "Clinicians": ("add_assessment", "change_assessment", "view_assessment"),
    "Reviewers": (
        "review_assessment",
        "view_assessment",
        "view_historicalassessment",
        "view_accesslogentry",
    ),
}


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations ran (post_migrate);
    # create this app's now so the groups can be given them.
    app_config = apps.get_app_config("assessments")
    models_module = getattr(app_config, "models_module", None)
    app_config.models_module = True  # create_permissions skips an app without models
    try:
        create_permissions(app_config, apps=apps, verbosity=0)
    finally:
        app_config.models_module = models_module

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(
            Permission.objects.filter(content_type__app_label="assessments", codename__in=codenames)
        )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0003_history_access_log_guidance_summary"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
