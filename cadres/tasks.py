from celery import shared_task

from . import services


@shared_task(acks_late=True, reject_on_worker_lost=True)
def run_roster_import(import_id: int) -> str:
    return services.roster_import_run(import_id=import_id).status
