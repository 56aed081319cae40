"""WSGI entry point for gunicorn: `gunicorn migrationhub.wsgi`.

Once the application and every view are imported, their objects are moved out of the garbage
collector's reach (`gc.freeze`): they live as long as the process, and a full collection over
them paused a worker for 160-190 ms (measured: three times in 20 s of requests), which every
request queued behind it waited for: the spikes in the pages' p99 (README, Public pages). After
the freeze a full collection scans only what requests left behind (20-60 ms at worst).
"""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "migrationhub.settings.prod")
application = get_wsgi_application()
get_resolver().url_patterns  # noqa: B018 - imports every view, their forms and templatetags
gc.collect()
gc.freeze()
