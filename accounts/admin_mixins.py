"""Admin behaviour shared by the apps' logs."""


class ReadOnlyAdminMixin:
    """For a log in the admin: nobody adds, changes or deletes its entries, superusers
    included; those with the view permission read them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
