"""Vertebro inside the electronic record's frame, only for the origins an administrator listed.

Every page keeps `frame-ancestors 'none'` and `X-Frame-Options: DENY`, except the SMART pages
(`/smart/…`) and the pages of a session signed in by a launch from the record: those allow
exactly the origins of `VERTEBRO_EHR_FRAME_ORIGINS` (default: none, so nothing changes).
"""

from django.conf import settings

FRAMED_SESSION_KEY = "smart_framed"


class EhrFrameMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        origins = settings.VERTEBRO_EHR_FRAME_ORIGINS
        if not origins:
            return response
        session = getattr(request, "session", None)
        framed = request.path.startswith("/smart/") or (
            session is not None and session.get(FRAMED_SESSION_KEY, False)
        )
        if framed:
            replace = dict(getattr(response, "_csp_replace", None) or {})
            replace["frame-ancestors"] = list(origins)
            response._csp_replace = replace
            response.xframe_options_exempt = True
        return response
