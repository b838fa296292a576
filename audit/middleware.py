from audit.context import Source, changes_by


class ChangeContextMiddleware:
    """Every change made while serving a request is stamped with the request's user."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with changes_by(request=request, source=Source.WEB):
            return self.get_response(request)
