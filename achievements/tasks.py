"""Celery tasks of 晒实绩: load by id, call a service, nothing else."""

from celery import shared_task

from . import services


@shared_task(acks_late=True, reject_on_worker_lost=True)
def build_unit_export(export_id: int) -> str:
    return services.export_run(export_id=export_id).status


@shared_task
def send_log_reminders() -> dict:
    result = services.send_log_reminders()
    return {"workday": result.workday, "missing_today": result.missing_today, "window_closing": result.window_closing}


@shared_task
def file_due_self_assessments() -> int:
    return services.assessments_file_due()


@shared_task
def purge_old_exports() -> int:
    return services.exports_purge()


@shared_task
def fail_stale_exports() -> int:
    return services.exports_fail_stale()
