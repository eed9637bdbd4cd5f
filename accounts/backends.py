"""The signed-in user's model permissions, read in one query a request instead of two.

Every page's menu asks the user's permissions (`perms` in the templates), and the views ask
whether the user reviews. Django's ModelBackend reads them with two queries a request (the
user's own permissions, then their groups'), each joined to the content types. This backend,
listed before ModelBackend, answers `has_perm` and `has_module_perms` from one query of the
same permissions, kept on the user for the request as ModelBackend keeps them (and in the
attribute ModelBackend reads, so a later `get_all_permissions` asks nothing more). A
permission the user lacks raises PermissionDenied, which ends Django's search: ModelBackend
would only read the same rows again.

It signs nobody in and restores nobody from a session: ModelBackend still does both, so
sessions opened before this backend existed stay valid.
"""

from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.db.models import Q


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
        if not user_obj.is_active or user_obj.is_anonymous:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            permissions = Permission.objects.all()
            if not user_obj.is_superuser:
                permissions = permissions.filter(Q(user=user_obj) | Q(group__user=user_obj))
            user_obj._perm_cache = {
                f"{app_label}.{codename}"
                for app_label, codename in permissions.values_list(
                    "content_type__app_label", "codename"
                ).order_by()
            }
        return user_obj._perm_cache
