from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from accounts.views import PasswordChangeView, keep_alive


class FaviconView(RedirectView):
    """Browsers ask for /favicon.ico on pages without an icon link (the admin): no 404."""

    permanent = True

    def get_redirect_url(self, *args, **kwargs):
        return static("img/favicon.svg")


urlpatterns = [
    # One password change for the app and the admin: guesses of the old password are limited.
    path("admin/password_change/", RedirectView.as_view(pattern_name="password_change")),
    path("admin/", admin.site.urls),
    # Sign-in (templates/registration/login.html), sign-out and password change. No password
    # reset by e-mail: Vertebro sends no mail; a superuser sets a new password in the admin.
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password_change/", PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("accounts/keep-alive/", keep_alive, name="keep_alive"),
    path("favicon.ico", FaviconView.as_view()),
    path("", include("interop.urls")),
    # SMART App Launch 2.0 (EHR launch): /smart/launch and /smart/callback.
    path("", include("interop.smart.urls")),
    path("", include("assessments.urls")),
    path("", include("outcomes.urls")),
]
