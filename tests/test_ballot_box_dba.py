"""The ballot box against a database administrator, on PostgreSQL and on SQLite.

tests/ballot_box_attack.py builds the story, reads every table with its system columns, a
pg_dump and the database files, and computes the statistics; here they must look like chance.
The control shows that the same statistic sees submission order where it is still stored: the
submission records before the close (tau close to 1).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from .ballot_box_attack import RATERS, attack, build, close_and_open
from .factories import ensure_default_ranks

ROOT = Path(settings.BASE_DIR)


def assert_like_chance(stats: dict) -> None:
    assert stats["control_tau_submissions_before_close"] > 0.9, stats  # the attack sees order where it exists
    assert stats["sheets"] == RATERS and stats["scores"] == RATERS * (RATERS - 1)
    assert stats["matches_by_storage_order"] <= 6, stats  # Poisson(1) by chance: P(≥ 7) ≈ 8e-5
    for key in ("tau_quality_storage", "tau_submission_storage", "tau_audit_trail"):
        assert abs(stats[key]) < 0.5, (key, stats)  # sd 0.11 for n = 39
    assert stats["adjacent_same_sheet"] <= 90, stats  # about 37 by chance, about 1,440 if stored by sheet
    assert abs(stats["rho_scores_storage"]) < 0.2, stats  # sd 0.026 for 1,482 rows
    assert stats["audit_entries"] == RATERS and stats["audit_times"] == ["00:00:00"], stats
    assert stats["sealed_left"] == 0 and stats["drafts_left"] == 0
    assert stats["swept"], stats
    # The files held the sealed sheets before the close (the scan finds them), and hold none after.
    assert stats["control_tokens_in_files_before_close"] == RATERS, stats
    assert stats["tokens_in_files"] == 0, stats


@pytest.mark.django_db(transaction=True)
def test_a_dba_reading_postgresql_cannot_tell_who_gave_which_score():
    ensure_default_ranks()
    scenario = build(dump_before_close=True)
    close_and_open(scenario)
    stats = attack(scenario)
    print(json.dumps(stats, default=str))  # noqa: T201  (the figures the closing note quotes)
    assert_like_chance(stats)
    # One transaction wrote every opened row and rewrote every submission record.
    assert stats["xmins"] == {"scores": 1, "quality": 1, "submissions": 1}, stats
    assert abs(stats["tau_quality_dump"]) < 0.5 and stats["sealed_in_dump"] == 0, stats
    # A dump taken while the period was open holds the sealed sheets in no useful order.
    assert stats["sealed_dumped_before_close"] == RATERS
    assert abs(stats["tau_sealed_dump_before_close"]) < 0.5, stats


def test_a_dba_reading_sqlite_cannot_tell_who_gave_which_score(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PYTEST")},
        "DEBUG": "1",
        "DATA_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'attack.sqlite3'}",
    }
    for name in ("CELERY_BROKER_URL", "REDIS_URL", "BALLOT_KEYS"):
        env.pop(name, None)
    result = subprocess.run(
        [sys.executable, "-m", "tests.ballot_box_attack"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    stats = json.loads(result.stdout.strip().splitlines()[-1])
    print(json.dumps(stats))  # noqa: T201
    assert_like_chance(stats)


@pytest.mark.django_db(transaction=True)
def test_the_sweep_waits_for_older_transactions_and_says_so():
    """A transaction that began before the deletions may still see the sealed rows: VACUUM FULL keeps
    them, the opening stays unswept, and the next try, once that transaction ended, removes them."""
    import psycopg
    from django.db import connection

    from evaluations.models import BoxOpening
    from evaluations.services import periods, scoring
    from evaluations.services.box import box_sweep

    from .factories import make_team, open_period, submit_all

    ensure_default_ranks()
    make_team("清理镇", staff=3)
    period = open_period()
    submit_all(period, lambda rater, ratee: 80)
    older = psycopg.connect(
        dbname=connection.settings_dict["NAME"],
        user=connection.settings_dict["USER"],
        host=connection.settings_dict["HOST"] or "127.0.0.1",
        port=connection.settings_dict["PORT"] or 5432,
    )
    try:
        older.execute("SELECT txid_current()")  # an open transaction with an id, like a long report
        run = periods.period_close(period=period)
        scoring.computation_execute(run_id=run.pk)
        assert BoxOpening.objects.get(period=period).swept_at is None
        assert box_sweep() is False
    finally:
        older.close()
    deadline = time.monotonic() + 120
    while not box_sweep() and time.monotonic() < deadline:
        time.sleep(1)
    assert BoxOpening.objects.get(period=period).swept_at is not None
