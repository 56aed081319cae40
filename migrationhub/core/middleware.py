"""Request hygiene shared by pages and API."""

from django.http import JsonResponse


class RejectNulBytesMiddleware:
    """Refuse requests whose path or query string contains NUL characters.

    No legitimate input contains them, and PostgreSQL refuses them in any string parameter:
    left through, they would turn a bad request into a server error.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in v for v in values) for key, values in request.GET.lists()
        ):
            return JsonResponse(
                {
                    "code": "validation_failed",
                    "message": "The request contains NUL characters.",
                    "fields": {"request": ["NUL characters are not allowed"]},
                },
                status=422,
            )
        return self.get_response(request)
