from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Site-wide sign-in and security: idle logout, lockout page, security log, middleware."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
    verbose_name = "Accounts and security"

    def ready(self):
        from accounts import security_log

        security_log.connect_signals()
