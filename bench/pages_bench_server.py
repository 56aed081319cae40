"""Settings of the pages and instances benchmarks: production settings, plus one URL
(`/bench/minimal`, pages_bench_urls.py). HTTPS is what the benchmarks' clients say they used
(`X-Forwarded-Proto: https` through one trusted proxy), as behind nginx."""

from migrationhub.settings.prod import *  # noqa: F403

ROOT_URLCONF = "pages_bench_urls"
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
