"""WSGI entry point for gunicorn: `gunicorn migrationhub.wsgi`.

Once the application and every view are imported, their objects are moved out of the garbage
collector's reach (`gc.freeze`): they live as long as the process, and a full collection over
them paused a worker for 160-190 ms (measured: three times in 20 s of requests), which every
request queued behind it waited for: the spikes in the pages' p99 (README, Public pages).

The youngest generation is then collected every GC_YOUNG allocations rather than every 700. A
request builds thousands of objects it drops when it ends (rows, model instances, a search's
tuples); at 700, collections ran several times inside each request and promoted what was still in
use, and those promotions started a full collection every ~30 requests, a 20-37 ms pause in the
request that met it (the search API at 100k: five full collections in 150 requests). At 10,000
most of a request's objects die by reference counting before any collection sees them: no full
collection in 150 such requests, a young collection every ~9 requests of 3-6 ms (17 at most on
a slow host), and a quarter to a third of the time in the collector (README, Search).
"""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

GC_YOUNG = 10_000

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "migrationhub.settings.prod")
application = get_wsgi_application()
get_resolver().url_patterns  # noqa: B018 - imports every view, their forms and templatetags
gc.collect()
gc.freeze()
gc.set_threshold(GC_YOUNG, *gc.get_threshold()[1:])
