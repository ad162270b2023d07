"""The production WSGI entry: Django, behind the lean path for the gateway's verify calls
(config/gateway_wsgi.py; everything else goes to Django as it is)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
django_application = get_wsgi_application()

from config.gateway_wsgi import GatewayPath  # noqa: E402  (needs the apps loaded above)

application = GatewayPath(django_application)
