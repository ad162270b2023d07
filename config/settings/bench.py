"""The gateway benchmark (`make bench`): production settings plus the bench's two views
(config.settings.bare: the same with no middleware, for the floor and the anchor).

bench/verify/prepare.py sets the environment production.py needs (secret, DJANGO_ALLOWED_HOSTS=
127.0.0.1, no SSL redirect, DATABASE_URL, CACHE_URL / GATEWAY_REDIS_URL, GATEWAY_PROCESSES)
and serves config.wsgi with gunicorn under these settings: DEBUG off, persistent database
connections (CONN_MAX_AGE from base), no access log, no debug toolbar.
"""

import warnings

from .production import *  # noqa: F403
from .production import INSTALLED_APPS

# The anchor: djangorestframework-api-key's APIKey model and HasAPIKey, with its default
# hasher (what a production project gets).
INSTALLED_APPS = [*INSTALLED_APPS, "rest_framework_api_key"]
# The app's URLs plus /bench/floor/ (a do-nothing Django view) and /bench/anchor/.
ROOT_URLCONF = "config.urls_bench"

# The bench serves no static files and runs no collectstatic: whitenoise's note about the
# missing STATIC_ROOT would only be noise in the report.
warnings.filterwarnings("ignore", message="No directory at")
