"""Celery tasks of the integrations app."""

from celery import shared_task

from . import services


@shared_task
def purge_token_uses() -> int:
    """Nightly (beat): delete token-use audit rows older than API_TOKEN_USE_KEEP_DAYS."""
    return services.token_uses_purge()
