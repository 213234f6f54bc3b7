"""gunicorn settings for the image (Dockerfile: `gunicorn -c config/gunicorn.py config.wsgi`).

Every request is short: long work (computations, period openings, imports, unit exports) runs in
Celery jobs that a page follows. The timeout is therefore far above any request and only stops a
worker that hangs; the proxy (deploy/nginx/cadreperf.conf) waits a little longer than it, so the
app's own limit is the one that acts.
"""

import os

bind = "0.0.0.0:8000"
workers = int(os.environ.get("GUNICORN_WORKERS", "4"))
# Seconds a request may run before its worker is killed and restarted (500 to the client).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
# On a deploy or scale-down, requests in flight get this long to finish.
graceful_timeout = 30
# Idle keep-alive connections from the proxy.
keepalive = 5
# Each worker is replaced after this many requests (with jitter, not all at once): memory stays flat.
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
# /tmp in the container may be an overlay on disk: heartbeat files in memory.
worker_tmp_dir = "/dev/shm"  # noqa: S108  (gunicorn's documented choice in containers)
# Containers are added and removed by compose, not through gunicorn's control socket (which would
# be created under the app user's read-only home).
control_socket_disable = True
