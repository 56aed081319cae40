"""WSGI entry point for gunicorn: `gunicorn migrationhub.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "migrationhub.settings.prod")
application = get_wsgi_application()
