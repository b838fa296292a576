from axes.backends import AxesStandaloneBackend


class LoginThrottleBackend(AxesStandaloneBackend):
    """django-axes' check on every login through a web page.

    Every login form passes its request; authenticate() without one (a script, the test
    client's login()) comes from no address that could be throttled, so it is left to the
    password check alone instead of failing.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)
