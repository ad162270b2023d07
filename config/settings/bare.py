"""The gateway benchmark's bare setting (`make bench`): config.settings.bench with no
middleware at all and only the apps the anchor needs, for the framework's floor
(/bench/floor/, a do-nothing view) and the anchor (/bench/anchor/, djangorestframework-api-
key's HasAPIKey, with DRF's JSON parser and renderer). Never served otherwise."""

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
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": [],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "UNAUTHENTICATED_USER": None,
}
