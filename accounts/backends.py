"""The signed-in user's groups and model permissions, read in one query a request.

Every page's menu asks the user's permissions (`perms` in the templates), and the views ask
whether the user is a clinician (a member of the Clinicians group) or reviews. Django's
ModelBackend reads permissions with two queries a request (the user's own, then their
groups'), and the group check is a third. This backend, listed before ModelBackend, answers
`has_perm` and `has_module_perms`, and `group_names()` answers the role checks, from one query
that reads both, kept on the user for the request as ModelBackend keeps permissions (and in
the attribute ModelBackend reads, so a later `get_all_permissions` asks nothing more). A
permission the user lacks raises PermissionDenied, which ends Django's search: ModelBackend
would only read the same rows again.

The query is plain SQL written once per process from the models' own table and column names:
it runs on every request, and building it through the ORM each time cost more than running it.

It signs nobody in and restores nobody from a session: ModelBackend still does both, so
sessions opened before this backend existed stay valid.
"""

from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import connection

# A row of a group's name carries this in the permission's app-label column: no app is named so.
GROUP_ROW = ""


class ModelPermissionsInOneQuery:
    def authenticate(self, request, **credentials):
        """Not a sign-in backend (ModelBackend checks passwords)."""
        return None

    def has_perm(self, user_obj, perm, obj=None) -> bool:
        if obj is not None:
            return False  # no per-object permissions here (nor in ModelBackend)
        if perm in self.permissions_of(user_obj):
            return True
        raise PermissionDenied

    def has_module_perms(self, user_obj, app_label) -> bool:
        prefix = f"{app_label}."
        if any(perm.startswith(prefix) for perm in self.permissions_of(user_obj)):
            return True
        raise PermissionDenied

    def permissions_of(self, user_obj) -> set[str]:
        """`app_label.codename` of every permission of an active user, their own and their
        groups' (every permission for a superuser); none for an inactive or anonymous user."""
        _read(user_obj)
        return user_obj._perm_cache


def group_names(user_obj) -> frozenset[str]:
    """The names of the groups of an active user (none for an inactive or anonymous one),
    read with the user's permissions in the same query, once a request."""
    _read(user_obj)
    return user_obj._vertebro_group_names


def forget(user_obj) -> None:
    """Drop what was read for this user object, so the next question reads the database."""
    for attribute in ("_perm_cache", "_vertebro_group_names"):
        user_obj.__dict__.pop(attribute, None)


def _read(user_obj) -> None:
    if hasattr(user_obj, "_vertebro_group_names"):
        return
    permissions: set[str] = set()
    groups: set[str] = set()
    if user_obj.is_active and not user_obj.is_anonymous:
        with connection.cursor() as cursor:
            superuser = user_obj.is_superuser
            cursor.execute(_sql(superuser=superuser), [user_obj.pk] * (1 if superuser else 3))
            for app_label, name in cursor.fetchall():
                if app_label == GROUP_ROW:
                    groups.add(name)
                else:
                    permissions.add(f"{app_label}.{name}")
    user_obj._perm_cache = permissions
    user_obj._vertebro_group_names = frozenset(groups)


@cache
def _sql(*, superuser: bool) -> str:
    """Rows (app label, permission codename) of the user's permissions, then rows
    (GROUP_ROW, group name) of their groups; each parameter is the user's id (one for a
    superuser, who holds every permission; three for anybody else)."""
    q = connection.ops.quote_name
    user_model = get_user_model()
    own = user_model._meta.get_field("user_permissions")
    membership = user_model._meta.get_field("groups")
    granted = Group._meta.get_field("permissions")
    permission, content_type, group = Permission._meta, ContentType._meta, Group._meta
    held = (
        f"SELECT {q(own.m2m_reverse_name())} FROM {q(own.m2m_db_table())}"
        f" WHERE {q(own.m2m_column_name())} = %s"
        f" UNION SELECT g.{q(granted.m2m_reverse_name())}"
        f" FROM {q(granted.m2m_db_table())} g JOIN {q(membership.m2m_db_table())} m"
        f" ON m.{q(membership.m2m_reverse_name())} = g.{q(granted.m2m_column_name())}"
        f" WHERE m.{q(membership.m2m_column_name())} = %s"
    )
    which = "" if superuser else f" WHERE p.{q(permission.pk.column)} IN ({held})"
    return (
        f"SELECT c.{q('app_label')}, p.{q('codename')}"
        f" FROM {q(permission.db_table)} p JOIN {q(content_type.db_table)} c"
        f" ON c.{q(content_type.pk.column)} = p.{q(permission.get_field('content_type').column)}"
        f"{which}"
        f" UNION ALL SELECT '{GROUP_ROW}', gr.{q('name')}"
        f" FROM {q(group.db_table)} gr JOIN {q(membership.m2m_db_table())} m"
        f" ON m.{q(membership.m2m_reverse_name())} = gr.{q(group.pk.column)}"
        f" WHERE m.{q(membership.m2m_column_name())} = %s"
    )
