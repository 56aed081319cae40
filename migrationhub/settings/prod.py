"""Production: HTTPS only, secrets from the environment, mandatory e-mail verification."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = os.environ.get("MIGRATIONHUB_SECRET_KEY", "")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        "MIGRATIONHUB_SECRET_KEY must be set to 50 or more random characters"
    )
ACCOUNT_EMAIL_VERIFICATION = os.environ.get("MIGRATIONHUB_EMAIL_VERIFICATION", "mandatory")
SECURE_SSL_REDIRECT = True
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
