"""One log line per request (logger "bkxh.requests", JSON in production: bkxh/json_log.py).

Each request gets an id: the proxy's X-Request-ID when it looks like one (nginx's $request_id,
deploy/nginx-bkxh.conf), else a new one; it is sent back in the response's X-Request-ID, so that
a user's report of an error page can be found in the log. The path is logged without its query
string, which may carry a searched name or citizen ID.
"""

import logging
import re
import time
import uuid

from bkxh.json_log import request_id

logger = logging.getLogger("bkxh.requests")

HEADER = "X-Request-ID"
SANE_ID = re.compile(r"[A-Za-z0-9._-]{8,128}")


def user_name(request):
    """The user's name when the request looked the user up (Django's AuthenticationMiddleware
    keeps it in `_cached_user`): looking it up here would query the session for a static file,
    and, while the database is down, wait for it a second time."""
    user = getattr(request, "_cached_user", None)
    return user.get_username() if user is not None and user.is_authenticated else "-"


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        incoming = request.headers.get(HEADER, "")
        request.id = incoming if SANE_ID.fullmatch(incoming) else uuid.uuid4().hex
        token = request_id.set(request.id)
        try:
            response = self.get_response(request)
            response[HEADER] = request.id
            logger.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "request_id": request.id,
                    "user": user_name(request),
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
            return response
        finally:
            request_id.reset(token)
