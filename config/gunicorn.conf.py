"""Gunicorn settings for production: ``gunicorn -c config/gunicorn.conf.py wsgi:app``.

Everything is read from the environment so one file serves every host:

    QMS_BIND             address to listen on (default 127.0.0.1:8000; put a TLS proxy in front)
    QMS_WORKERS          worker processes (default 2 × cores + 1)
    QMS_THREADS          threads per worker (default 1: sync workers, one request each)
    QMS_WORKER_TIMEOUT   seconds a request may take before its worker is replaced (default 120: a 50 MB upload
                         on a slow line, text extraction and indexing)
    QMS_FORWARDED_ALLOW_IPS  proxies whose X-Forwarded-* headers are trusted (default 127.0.0.1)

Logs: every line on stderr is one JSON object. The application itself writes the access line (logger
``qms.access``: method, path, status, duration, user id, request id), so gunicorn's own access log stays off;
gunicorn's start/stop/worker messages go through the same JSON formatter.
"""

from __future__ import annotations

import multiprocessing
import os
from typing import Any

bind = os.environ.get("QMS_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("QMS_WORKERS", str(multiprocessing.cpu_count() * 2 + 1)))
threads = int(os.environ.get("QMS_THREADS", "1"))
timeout = int(os.environ.get("QMS_WORKER_TIMEOUT", "120"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak in a parser of uploaded files cannot grow without bound.
max_requests = 2000
max_requests_jitter = 200
# Each worker opens its own database pool and Whoosh searcher after the fork.
preload_app = False
forwarded_allow_ips = os.environ.get("QMS_FORWARDED_ALLOW_IPS", "127.0.0.1")
# Uploads are buffered by the application (QMS_MAX_UPLOAD_BYTES); header limits stay gunicorn's defaults.
# The request line may be as long as gunicorn allows (8190 bytes), above QMS_MAX_QUERY_BYTES (7000) plus a path,
# so that an over-long query is answered by the application (414, JSON under /api/), not by gunicorn's HTML page.
limit_request_line = 8190


def post_worker_init(worker: Any) -> None:
    # A sync worker answers one request at a time, so "between requests" holds for the whole process (qms.ops.garbage).
    if worker.cfg.threads == 1:
        from qms.ops import garbage

        garbage.collect_between_requests()


def post_request(worker: Any, req: Any, environ: Any, resp: Any) -> None:
    if worker.cfg.threads == 1:
        from qms.ops import garbage

        garbage.after_request()


accesslog = None
errorlog = "-"
loglevel = os.environ.get("QMS_LOG_LEVEL", "info").lower()
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "qms.ops.request_log.JsonFormatter"}},
    "filters": {"request_id": {"()": "qms.ops.request_log.RequestIdFilter"}},
    "handlers": {
        "json": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request_id"],
            "stream": "ext://sys.stderr",
        }
    },
    "root": {"level": "WARNING", "handlers": ["json"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["json"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": [], "propagate": False},
    },
}
