import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("cadreperf")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

from ops.worker import WorkerHeartbeat  # noqa: E402  (after the app exists; imports no model)

app.steps["worker"].add(WorkerHeartbeat)
