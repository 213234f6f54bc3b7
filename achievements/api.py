"""REST API of 晒实绩: logs, summaries and achievements, with the pages' access rules and the same
services, so deadlines, lengths and shares are refused here exactly as on the pages (400 with
field errors naming the deadline)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request
from rest_framework.response import Response

from cadres.access import IsOrgStaff, cadre_of
from cadres.models import Cadre

from . import access, rules, services
from .errors import RecordError
from .models import (
    Achievement,
    AchievementAttachment,
    AchievementFigure,
    AchievementParticipant,
    DailyLog,
    ParticipantRole,
    Summary,
    SummaryKind,
    VerificationStatus,
)


def _invalid(error: RecordError) -> serializers.ValidationError:
    return serializers.ValidationError({error.field or "non_field_errors": [error.message]})


class CadreWritesOwn(BasePermission):
    """Reading needs a login; writing needs a cadre record (the author is always the caller)."""

    message = "此操作需要与干部档案关联的账号。"

    def has_permission(self, request: Any, view: Any) -> bool:
        if not request.user.is_authenticated:
            return False
        return request.method in SAFE_METHODS or cadre_of(request.user) is not None


class DateRangeFilter(django_filters.FilterSet):
    start = django_filters.DateFilter(field_name="day", lookup_expr="gte", label="起始日期")
    end = django_filters.DateFilter(field_name="day", lookup_expr="lte", label="截止日期")


# --- Daily logs ------------------------------------------------------------------------------------


class DailyLogFilter(DateRangeFilter):
    class Meta:
        model = DailyLog
        fields = ["unit", "author", "start", "end"]


class DailyLogSerializer(serializers.ModelSerializer):
    author_name = serializers.CharField(source="author.name", read_only=True)
    deadline = serializers.SerializerMethodField(help_text="可填写和修改的截止时间（不含）")
    editable = serializers.SerializerMethodField()

    class Meta:
        model = DailyLog
        fields = [
            "id",
            "author",
            "author_name",
            "unit",
            "day",
            "text",
            "deadline",
            "editable",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["author", "unit", "created_at", "updated_at"]

    def get_deadline(self, log: DailyLog) -> str:
        return rules.log_deadline(log.day, unit=log.author.unit).isoformat()

    def get_editable(self, log: DailyLog) -> bool:
        me = cadre_of(self.context["request"].user)
        return bool(
            me and me.pk == log.author_id and timezone.now() < rules.log_deadline(log.day, unit=log.author.unit)
        )


class DailyLogUpdateSerializer(serializers.Serializer):
    text = serializers.CharField(trim_whitespace=False, max_length=2000)


class DailyLogViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Daily logs: the caller's own, their unit's, and the units they lead. Writing is for the
    caller's own log, inside the backfill window; POST for a day that has a log updates it."""

    serializer_class = DailyLogSerializer
    permission_classes = [CadreWritesOwn]
    filterset_class = DailyLogFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[DailyLog]:
        return access.logs_visible_to(self.request.user).select_related("author__unit").order_by("-day", "author_id")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        author = cadre_of(request.user)
        existed = DailyLog.objects.filter(author=author, day=serializer.validated_data["day"]).exists()
        try:
            log = services.daily_log_save(
                author=author, day=serializer.validated_data["day"], text=serializer.validated_data["text"]
            )
        except RecordError as error:
            raise _invalid(error) from error
        return Response(
            self.get_serializer(log).data, status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED
        )

    @extend_schema(request=DailyLogUpdateSerializer, responses=DailyLogSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        log = self.get_object()
        author = cadre_of(request.user)
        if log.author_id != author.pk:
            raise PermissionDenied("只能修改本人的工作日志。")
        serializer = DailyLogUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            log = services.daily_log_save(author=author, day=log.day, text=serializer.validated_data["text"])
        except RecordError as error:
            raise _invalid(error) from error
        return Response(self.get_serializer(log).data)


# --- Summaries -------------------------------------------------------------------------------------


class SummarySerializer(serializers.ModelSerializer):
    author_name = serializers.CharField(source="author.name", read_only=True)

    class Meta:
        model = Summary
        fields = ["id", "author", "author_name", "unit", "kind", "year", "quarter", "text", "created_at", "updated_at"]
        read_only_fields = ["author", "unit", "created_at", "updated_at"]
        # The service decides (and explains) duplicates: POST for an existing period updates it.
        validators: list = []

    def validate(self, data: dict) -> dict:
        if data.get("kind") == SummaryKind.QUARTERLY and data.get("quarter") not in (1, 2, 3, 4):
            raise serializers.ValidationError({"quarter": ["季度小结须填写季度（1–4）。"]})
        if data.get("kind") == SummaryKind.ANNUAL:
            data["quarter"] = None
        return data


class SummaryUpdateSerializer(serializers.Serializer):
    text = serializers.CharField(trim_whitespace=False, max_length=10000)


class SummaryViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Quarterly and annual summaries, readable like logs; writable by the author until the due date."""

    serializer_class = SummarySerializer
    permission_classes = [CadreWritesOwn]
    filterset_fields = ["unit", "author", "kind", "year", "quarter"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Summary]:
        return access.summaries_visible_to(self.request.user).select_related("author").order_by("-year", "kind")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        author = cadre_of(request.user)
        existed = Summary.objects.filter(
            author=author, kind=data["kind"], year=data["year"], quarter=data.get("quarter")
        ).exists()
        try:
            summary = services.summary_save(
                author=author, kind=data["kind"], year=data["year"], quarter=data.get("quarter"), text=data["text"]
            )
        except RecordError as error:
            raise _invalid(error) from error
        return Response(
            self.get_serializer(summary).data, status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED
        )

    @extend_schema(request=SummaryUpdateSerializer, responses=SummarySerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        summary = self.get_object()
        author = cadre_of(request.user)
        if summary.author_id != author.pk:
            raise PermissionDenied("只能修改本人的小结和总结。")
        serializer = SummaryUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            summary = services.summary_save(
                author=author,
                kind=summary.kind,
                year=summary.year,
                quarter=summary.quarter,
                text=serializer.validated_data["text"],
            )
        except RecordError as error:
            raise _invalid(error) from error
        return Response(self.get_serializer(summary).data)


# --- Achievements ----------------------------------------------------------------------------------


class FigureSerializer(serializers.ModelSerializer):
    class Meta:
        model = AchievementFigure
        fields = ["label", "value", "unit"]


class ParticipantSerializer(serializers.ModelSerializer):
    cadre = serializers.PrimaryKeyRelatedField(queryset=Cadre.objects.filter(is_active=True))
    cadre_name = serializers.CharField(source="cadre.name", read_only=True)
    role = serializers.ChoiceField(choices=ParticipantRole.choices)

    class Meta:
        model = AchievementParticipant
        fields = ["cadre", "cadre_name", "role", "share"]


class AttachmentSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = AchievementAttachment
        fields = ["id", "original_name", "size", "content_type", "uploaded_at", "download_url"]

    def get_download_url(self, attachment: AchievementAttachment) -> str:
        return reverse("achievements:attachment_download", args=[attachment.pk])


class AchievementSerializer(serializers.ModelSerializer):
    figures = FigureSerializer(many=True, required=False)
    participants = ParticipantSerializer(many=True, required=False)
    attachments = AttachmentSerializer(many=True, read_only=True)
    created_by_name = serializers.CharField(source="created_by.name", read_only=True)

    class Meta:
        model = Achievement
        fields = [
            "id",
            "title",
            "date",
            "category",
            "description",
            "figures",
            "participants",
            "attachments",
            "created_by",
            "created_by_name",
            "unit",
            "verification_status",
            "verification_note",
            "verified_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "created_by",
            "unit",
            "verification_status",
            "verification_note",
            "verified_at",
            "created_at",
            "updated_at",
        ]

    def validate_participants(self, value: list[dict]) -> list[dict]:
        try:
            services.check_participants((p["cadre"].pk, p["cadre"].name, p["share"]) for p in value)
        except RecordError as error:
            raise serializers.ValidationError(error.message) from error
        return value

    def save_through_service(self, *, author: Cadre, achievement: Achievement | None) -> Achievement:
        data = self.validated_data
        if achievement is not None:
            # A PATCH without figures or participants keeps them.
            data.setdefault(
                "figures", [{"label": f.label, "value": f.value, "unit": f.unit} for f in achievement.figures.all()]
            )
            data.setdefault(
                "participants",
                [{"cadre": p.cadre, "role": p.role, "share": p.share} for p in achievement.participants.all()],
            )
            for name in ("title", "date", "category", "description"):
                data.setdefault(name, getattr(achievement, name))
        try:
            return services.achievement_save(
                author=author,
                achievement=achievement,
                title=data["title"],
                date=data["date"],
                category=data["category"],
                description=data["description"],
                figures=[services.FigureInput(f["label"], f["value"], f["unit"]) for f in data.get("figures", [])],
                participants=[
                    services.ParticipantInput(p["cadre"], p["role"], p["share"]) for p in data.get("participants", [])
                ],
            )
        except RecordError as error:
            raise _invalid(error) from error


class VerifySerializer(serializers.Serializer):
    verification_status = serializers.ChoiceField(choices=VerificationStatus.choices)
    verification_note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField()


class AchievementViewSet(viewsets.ModelViewSet):
    """Achievement records: visible in the unit, to participants, leaders above and org staff;
    the author writes; org staff verify. Evidence is uploaded here and downloaded via `download_url`."""

    serializer_class = AchievementSerializer
    permission_classes = [CadreWritesOwn]
    filterset_fields = ["unit", "created_by", "category", "verification_status"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_permissions(self) -> list[BasePermission]:
        if self.action == "verify":
            return [IsOrgStaff()]
        return super().get_permissions()

    def get_queryset(self) -> QuerySet[Achievement]:
        return (
            access.achievements_visible_to(self.request.user)
            .select_related("created_by", "category", "unit")
            .prefetch_related("figures", "participants__cadre", "attachments")
            .order_by("-date", "-pk")
        )

    def _own(self) -> Achievement:
        achievement = self.get_object()
        if not access.may_edit_achievement(self.request.user, achievement):
            raise PermissionDenied("只有填报人可以修改这条实绩。")
        return achievement

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        achievement = serializer.save_through_service(author=cadre_of(request.user), achievement=None)
        return Response(self.get_serializer(achievement).data, status=status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        achievement = self._own()
        serializer = self.get_serializer(achievement, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        saved = serializer.save_through_service(author=cadre_of(request.user), achievement=achievement)
        return Response(self.get_serializer(self.get_queryset().get(pk=saved.pk)).data)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        achievement = self._own()
        try:
            services.achievement_delete(achievement=achievement, author=cadre_of(request.user))
        except RecordError as error:
            raise _invalid(error) from error
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=VerifySerializer, responses=AchievementSerializer)
    @action(detail=True, methods=["post"])
    def verify(self, request: Request, pk: str | None = None) -> Response:
        """Org staff: 待核实 / 已核实 / 存疑 with a note (required for 存疑)."""
        achievement = self.get_object()
        serializer = VerifySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            services.achievement_verify(
                achievement=achievement,
                status=serializer.validated_data["verification_status"],
                note=serializer.validated_data["verification_note"],
                user=request.user,
            )
        except RecordError as error:
            raise _invalid(error) from error
        return Response(self.get_serializer(self.get_queryset().get(pk=achievement.pk)).data)

    @extend_schema(request={"multipart/form-data": AttachmentUploadSerializer}, responses=AttachmentSerializer)
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser, JSONParser])
    def attachments(self, request: Request, pk: str | None = None) -> Response:
        """Upload one evidence file (size limit and type allowlist as on the page)."""
        achievement = self._own()
        serializer = AttachmentUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            attachment = services.attachment_add(
                achievement=achievement,
                upload=serializer.validated_data["file"],
                author=cadre_of(request.user),
                user=request.user,
            )
        except RecordError as error:
            raise _invalid(error) from error
        return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)
