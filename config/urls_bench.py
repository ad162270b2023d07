"""URLs for the gateway benchmark (config.settings.bench, and .bare without the app's own):

- /bench/floor/: a do-nothing Django view; under config.settings.bare (no middleware, only
  the apps the anchor needs) the framework's floor;
- /bench/anchor/: the same key check done the way djangorestframework-api-key does it
  (permission_classes=[HasAPIKey], the key in `Authorization: Api-Key <key>`), taking the
  same request body as the verify call;
- under config.settings.bench, the app's own URLs too.
"""

from django.conf import settings
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_api_key.permissions import HasAPIKey

FLOOR_BODY = b'{"valid": true}'


@csrf_exempt
def floor(request):
    return HttpResponse(FLOOR_BODY, content_type="application/json")


class AnchorRequestSerializer(serializers.Serializer):
    """The verify call's body, as approvals.keys.api.VerifyRequestSerializer takes it (not
    imported: the bare setting does not install the app)."""

    key = serializers.CharField(trim_whitespace=False, allow_blank=True)
    model = serializers.CharField(max_length=100)
    endpoint = serializers.CharField(max_length=200)
    tokens = serializers.IntegerField(min_value=0, max_value=10**9)


class AnchorView(APIView):
    """Valid when HasAPIKey admits the key: no scope, no rate limit (the package has none)."""

    permission_classes = [HasAPIKey]

    def post(self, request):
        data = AnchorRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response({"valid": True, "code": "VALID"})


urlpatterns = [
    path("bench/floor/", floor, name="bench-floor"),
    path("bench/anchor/", AnchorView.as_view(), name="bench-anchor"),
]
if not getattr(settings, "BENCH_BARE", False):
    from .urls import urlpatterns as app_urlpatterns

    urlpatterns += app_urlpatterns
