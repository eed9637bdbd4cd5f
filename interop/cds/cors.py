"""CORS for the CDS Hooks endpoints, for a CDS client that calls from a browser.

The origins allowed are `VERTEBRO_CDS_CORS_ORIGINS` (default: none; `*` allows any, which
is safe here because the endpoints authenticate by a bearer token, never by a cookie, so
no credentials are allowed). A preflight (OPTIONS with Access-Control-Request-Method) is
answered here and never reaches the view; an origin not listed gets 403 and no CORS header.
"""

from functools import wraps

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.utils.cache import patch_vary_headers

ALLOW_METHODS = "GET, POST, OPTIONS"
ALLOW_HEADERS = "Authorization, Content-Type"
MAX_AGE_SECONDS = 600


def _allowed_origin(origin: str | None) -> str | None:
    """The value of Access-Control-Allow-Origin for this request's Origin, or None."""
    if not origin:
        return None
    allowed = settings.VERTEBRO_CDS_CORS_ORIGINS
    if "*" in allowed:
        return "*"
    return origin if origin in allowed else None


def cds_cors(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        allow = _allowed_origin(request.headers.get("Origin"))
        preflight = request.method == "OPTIONS" and "Access-Control-Request-Method" in (
            request.headers
        )
        if preflight:
            if allow is None:
                response = JsonResponse(
                    {"error": "This origin is not allowed to call the CDS service."}, status=403
                )
            else:
                response = HttpResponse(status=204)
                response["Access-Control-Allow-Methods"] = ALLOW_METHODS
                response["Access-Control-Allow-Headers"] = ALLOW_HEADERS
                response["Access-Control-Max-Age"] = str(MAX_AGE_SECONDS)
        else:
            response = view(request, *args, **kwargs)
        if allow is not None:
            response["Access-Control-Allow-Origin"] = allow
        patch_vary_headers(response, ("Origin",))
        return response

    return wrapped
