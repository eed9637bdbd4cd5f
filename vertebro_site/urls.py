from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    # Sign-in (templates/registration/login.html) and sign-out.
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("assessments.urls")),
]
