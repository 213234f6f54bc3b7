"""After the appointment: the 任职试用期 with its reviews and settings, where the chosen cadre stood
(for the 干部调整情况通报), and the daily reminder of probations near their end (08:40 Asia/Shanghai)."""

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from core.beat import schedule_operation


class Migration(migrations.Migration):
    dependencies = [
        ("cadres", "0009_move_notification_to_core"),
        ("selection", "0008_merge_ballot_box_and_inspection"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.AddField(
            model_name="decision",
            name="previous_is_leadership",
            field=models.BooleanField(default=False, verbose_name="原任领导职务"),
        ),
        migrations.AddField(
            model_name="decision",
            name="previous_post",
            field=models.CharField(blank=True, max_length=200, verbose_name="原职务"),
        ),
        migrations.AddField(
            model_name="decision",
            name="previous_unit",
            field=models.CharField(blank=True, max_length=100, verbose_name="原单位"),
        ),
        migrations.AddField(
            model_name="selectionsettings",
            name="probation_months",
            field=models.PositiveSmallIntegerField(
                default=12,
                help_text="《党政领导干部选拔任用工作条例》第五十条：试用期为一年。",
                validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(24)],
                verbose_name="任职试用期（月）",
            ),
        ),
        migrations.AddField(
            model_name="selectionsettings",
            name="probation_reminder_days",
            field=models.PositiveSmallIntegerField(
                default=30,
                help_text="试用期满前这么多天起，提醒考核办组织试用期满考核。",
                validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(180)],
                verbose_name="试用期满前提醒天数",
            ),
        ),
        migrations.CreateModel(
            name="Probation",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("post", models.CharField(max_length=200, verbose_name="试任职务")),
                ("previous_post", models.CharField(blank=True, max_length=200, verbose_name="试任前职务")),
                ("start_date", models.DateField(verbose_name="试用期开始")),
                ("original_end", models.DateField(verbose_name="原定试用期满")),
                ("end_date", models.DateField(verbose_name="试用期满")),
                ("reminder_days", models.PositiveSmallIntegerField(verbose_name="期满前提醒天数")),
                (
                    "status",
                    models.CharField(
                        choices=[("running", "试用中"), ("confirmed", "已正式任职"), ("ended", "已免去试任职务")],
                        default="running",
                        max_length=20,
                        verbose_name="状态",
                    ),
                ),
                ("closed_on", models.DateField(blank=True, null=True, verbose_name="办结日期")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="登记时间")),
                (
                    "cadre",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="probations",
                        to="cadres.cadre",
                        verbose_name="干部",
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="登记人",
                    ),
                ),
                (
                    "decision",
                    models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="probation",
                        to="selection.decision",
                        verbose_name="任用决定",
                    ),
                ),
            ],
            options={
                "verbose_name": "任职试用期",
                "verbose_name_plural": "任职试用期",
                "ordering": ["end_date", "pk"],
            },
        ),
        migrations.CreateModel(
            name="ProbationReview",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "action",
                    models.CharField(
                        choices=[
                            ("start", "开始试用"),
                            ("confirm", "考核合格，正式任职"),
                            ("extend", "延长试用期"),
                            ("end", "不胜任，免去试任职务"),
                        ],
                        max_length=20,
                        verbose_name="事项",
                    ),
                ),
                ("note", models.TextField(blank=True, max_length=2000, verbose_name="考核意见或理由")),
                ("previous_end", models.DateField(blank=True, null=True, verbose_name="原试用期满")),
                ("new_end", models.DateField(blank=True, null=True, verbose_name="新的试用期满")),
                ("at", models.DateTimeField(verbose_name="时间")),
                (
                    "by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="经办人",
                    ),
                ),
                (
                    "probation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="reviews",
                        to="selection.probation",
                        verbose_name="任职试用期",
                    ),
                ),
            ],
            options={
                "verbose_name": "试用期考核记录",
                "verbose_name_plural": "试用期考核记录",
                "ordering": ["probation", "at", "pk"],
            },
        ),
        migrations.AddIndex(
            model_name="probation",
            index=models.Index(fields=["status", "end_date"], name="probation_status_end"),
        ),
        migrations.AddConstraint(
            model_name="probation",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "running")),
                fields=("cadre",),
                name="probation_one_running_per_cadre",
                violation_error_message="该干部已有进行中的试用期。",
            ),
        ),
        migrations.AddConstraint(
            model_name="probation",
            constraint=models.CheckConstraint(
                condition=models.Q(("end_date__gt", models.F("start_date"))), name="probation_end_after_start"
            ),
        ),
        migrations.AddConstraint(
            model_name="probation",
            constraint=models.CheckConstraint(
                condition=models.Q(("end_date__gte", models.F("original_end"))), name="probation_end_never_shortened"
            ),
        ),
        schedule_operation(
            name="selection.probation-end-reminders",
            task="selection.tasks.remind_probation_ends",
            crontab=("8", "40"),
            description="提醒考核办：任职试用期即将期满，组织试用期满考核。",
        ),
    ]
