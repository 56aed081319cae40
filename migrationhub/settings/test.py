"""Tests: fast hashing, in-memory e-mail, no verification step unless a test asks for it."""

from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ACCOUNT_EMAIL_VERIFICATION = "optional"
ALLOWED_HOSTS = ["*"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
AXES_ENABLED = True

# Run background work at once, in the request: no worker process needed.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# Property-based API tests send hundreds of requests a second from one address.
MIGRATIONHUB_API_ANON_RATE = MIGRATIONHUB_API_USER_RATE = "100000/m"

# One process: a per-process cache keeps query-count assertions about the page, not the cache.
# Development and production share one (base.py); tests/test_security.py checks that they do.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
