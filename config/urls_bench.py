"""URLs for the gateway benchmark (config.settings.bench): the app's own, plus

- /bench/floor/: a do-nothing Django view behind the same middleware: the framework's floor;
- /bench/anchor/: the same key check done the way djangorestframework-api-key does it
  (permission_classes=[HasAPIKey], the key in `Authorization: Api-Key <key>`), taking the
  same request body as the verify call.
"""

from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_api_key.permissions import HasAPIKey

from approvals.keys.api import VerifyRequestSerializer

from .urls import urlpatterns as app_urlpatterns

FLOOR_BODY = b'{"valid": true}'


@csrf_exempt
def floor(request):
    return HttpResponse(FLOOR_BODY, content_type="application/json")


class AnchorView(APIView):
    """Valid when HasAPIKey admits the key: no scope, no rate limit (the package has none)."""

    permission_classes = [HasAPIKey]

    def post(self, request):
        data = VerifyRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response({"valid": True, "code": "VALID"})


urlpatterns = [
    path("bench/floor/", floor, name="bench-floor"),
    path("bench/anchor/", AnchorView.as_view(), name="bench-anchor"),
    *app_urlpatterns,
]
