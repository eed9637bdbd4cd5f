from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView


class FaviconView(RedirectView):
    """Browsers ask for /favicon.ico on pages without an icon link (the admin): no 404."""

    permanent = True

    def get_redirect_url(self, *args, **kwargs):
        return static("img/favicon.svg")


urlpatterns = [
    path("admin/", admin.site.urls),
    # Sign-in (templates/registration/login.html) and sign-out.
    path("accounts/", include("django.contrib.auth.urls")),
    path("favicon.ico", FaviconView.as_view()),
    path("", include("assessments.urls")),
    path("", include("outcomes.urls")),
]
