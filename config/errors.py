"""A path under /api/ that no route matches (`/api/v1/applications/abc/`) is a JSON 404 like
every other API error; pages keep Django's HTML one."""

from django.http import JsonResponse
from django.views.defaults import page_not_found


def not_found(request, exception):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found.", "code": "not_found"}, status=404)
    return page_not_found(request, exception)
