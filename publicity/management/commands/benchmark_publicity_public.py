"""Measure the public pages of 任前公示: median render time and queries, from the cache and without it."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from publicity import public_pages
from publicity.models import Notice


class Command(BaseCommand):
    help = "公开页面性能：首页、公示详情、PDF 在有缓存和无缓存时的渲染时间中位数与查询次数。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--runs", type=int, default=20, help="每项测量次数（PDF 无缓存时为其五分之一）")

    def handle(self, *args, **options) -> None:
        runs = max(1, options["runs"])
        notice = Notice.objects.in_publicity(timezone.localdate()).first()
        if notice is None:
            raise CommandError("没有正在公示的公示，无法测量（先运行 seed_demo）。")
        host = next((h for h in settings.ALLOWED_HOSTS if h != "*" and not h.startswith(".")), "localhost")
        client = Client(SERVER_NAME=host)
        pages = [
            ("index", reverse("public:index"), runs),
            ("detail", reverse("public:notice_detail", args=[notice.public_id]), runs),
            ("pdf", reverse("public:notice_pdf", args=[notice.public_id]), max(1, runs // 5)),
        ]
        self.stdout.write(f"{'page':<8}{'mode':<10}{'median ms':>11}{'queries':>9}")
        for name, url, count in pages:
            for mode, before in (("uncached", public_pages.invalidate), ("cached", lambda: None)):
                client.get(url, secure=True)  # warm up (and fill the cache for the cached runs)
                median, queries = self._measure(client, url, count, before)
                self.stdout.write(f"{name:<8}{mode:<10}{median:>11.2f}{queries:>9}")

    def _measure(self, client: Client, url: str, count: int, before: Callable[[], None]) -> tuple[float, int]:
        timings, queries = [], 0
        for _ in range(count):
            before()
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url, secure=True)
                timings.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise CommandError(f"{url} answered {response.status_code}")
            queries = len(captured)
        return statistics.median(timings), queries
