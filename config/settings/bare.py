"""The gateway benchmark's bare setting (`make bench`): config.settings.bench with no
middleware at all and only the apps the anchor needs, for the framework's floor
(/bench/floor/, a do-nothing view) and the anchor (/bench/anchor/, djangorestframework-api-
key's HasAPIKey, with DRF's defaults). Never served otherwise."""

from .bench import *  # noqa: F403

MIDDLEWARE = []
INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "rest_framework",
    "rest_framework_api_key",
]
AUTH_USER_MODEL = "auth.User"
BENCH_BARE = True  # config.urls_bench: the floor and the anchor only
# DRF's own defaults (SessionAuthentication and BasicAuthentication, AllowAny, its parsers and
# renderers): what a project that picks the package starts from. The app's REST_FRAMEWORK
# names knox and this project's classes, which the bare setting does not install.
REST_FRAMEWORK = {}
