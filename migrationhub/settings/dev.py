"""Development: debug on, console e-mail, e-mail verification optional."""

import os

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("MIGRATIONHUB_DEBUG", True)
ACCOUNT_EMAIL_VERIFICATION = os.environ.get("MIGRATIONHUB_EMAIL_VERIFICATION", "optional")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Run background work at once, in the request: no worker process needed.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
