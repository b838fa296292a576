"""The address a request came from, also behind the TLS proxy of a production install.

With BKXH_PROXY_COUNT = n > 0 the client is the n-th address from the right of
X-Forwarded-For (each trusted proxy appends the address it saw); a client cannot forge what
a trusted proxy appends, only what lies to the left of it.
"""

from django.conf import settings


def client_ip(request):
    count = settings.BKXH_PROXY_COUNT
    if count:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR")
