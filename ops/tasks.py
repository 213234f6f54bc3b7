"""Celery tasks of the ops app."""

from celery import shared_task

from . import outbox


@shared_task
def relay_outbox() -> int:
    """Every minute (beat): publish background work recorded while the broker was down."""
    sent = outbox.relay()
    outbox.purge_sent()
    return sent


@shared_task(acks_late=False)
def nightly_backup() -> str:
    """Nightly (beat, 02:20 by default; the time is editable in the admin): `manage.py backup`.

    Routed to CELERY_BACKUP_QUEUE: in docker-compose.yml only the `backup` worker, which has the
    backup and key volumes, consumes it. Not acknowledged late: a killed backup is not redone
    half-way by another worker; the next night's run starts a new set.
    """
    from pathlib import Path

    from django.conf import settings

    from . import backup

    keys_dir = Path(settings.BACKUP_KEYS_DIR) if settings.BACKUP_KEYS_DIR else None
    result = backup.backup_create(directory=Path(settings.BACKUP_DIR), keys_dir=keys_dir)
    return str(result.path)
