"""REST API of 晒实绩: logs, summaries and achievements, with the pages' access rules and the same
services, so deadlines, lengths and shares are refused here exactly as on the pages (400 with
field errors naming the deadline)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import django_filters
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, PermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request
from rest_framework.response import Response

from cadres.access import IsOrgStaff, cadre_of
from cadres.models import Cadre

from . import access, rules, services
from .errors import LogChanged, RecordError
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


class CadreWritesOwn(BasePermission):
    """Reading needs a login; writing needs a cadre record (the author is always the caller)."""

    message = gettext_lazy("此操作需要与干部档案关联的账号。")

    def has_permission(self, request: Any, view: Any) -> bool:
        if not request.user.is_authenticated:
            return False
        return request.method in SAFE_METHODS or cadre_of(request.user) is not None


class DateRangeFilter(django_filters.FilterSet):
    start = django_filters.DateFilter(field_name="day", lookup_expr="gte", label=gettext_lazy("起始日期"))
    end = django_filters.DateFilter(field_name="day", lookup_expr="lte", label=gettext_lazy("截止日期"))


# --- Daily logs ------------------------------------------------------------------------------------


class DailyLogFilter(DateRangeFilter):
    class Meta:
        model = DailyLog
        fields = ["unit", "author", "start", "end"]


class DailyLogSerializer(serializers.ModelSerializer):
    author_name = serializers.CharField(source="author.name", read_only=True)
    version = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text=gettext_lazy("读取时：这篇日志的版本。保存已有日志时须带上读到的版本，否则返回 409，不覆盖。"),
    )
    deadline = serializers.SerializerMethodField(help_text=gettext_lazy("可填写和修改的截止时间（不含）"))
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
            "version",
            "deadline",
            "editable",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["author", "unit", "created_at", "updated_at"]

    def _deadline(self, log: DailyLog) -> datetime:
        # One calendar and rules lookup for the whole page (the context is shared by every row).
        if "deadlines" not in self.context:
            self.context["deadlines"] = rules.LogDeadlines()
        return self.context["deadlines"].deadline(log.day, unit=log.author.unit)

    def get_deadline(self, log: DailyLog) -> str:
        return self._deadline(log).isoformat()

    def get_editable(self, log: DailyLog) -> bool:
        me = cadre_of(self.context["request"].user)
        return bool(me and me.pk == log.author_id and timezone.now() < self._deadline(log))


class DailyLogUpdateSerializer(serializers.Serializer):
    text = serializers.CharField(trim_whitespace=False, max_length=2000)
    version = serializers.CharField(
        required=False, help_text=gettext_lazy("读到的版本；与当前不同则返回 409，不覆盖。")
    )


class LogConflict(APIException):
    """409: the stored log is not the one the client read; its text and version come back."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class WrittenByOwnerViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Records a cadre keeps one of per day or period (logs, summaries). POST writes the caller's
    own: it creates the record, or updates the one that exists (200 instead of 201); PATCH changes
    the text of one's own. Every write goes through the service, so its rules answer 400 here."""

    permission_classes = [CadreWritesOwn]
    http_method_names = ["get", "post", "patch", "head", "options"]
    # The fields that name the day or period; the service takes them and `text`.
    key_fields: tuple[str, ...] = ()
    update_serializer_class: type[serializers.Serializer]
    # Whether writes carry the version the client read (optimistic check, 409 on mismatch).
    versioned = False

    def save_record(self, **fields: Any) -> Any:
        raise NotImplementedError

    def not_own_message(self) -> str:
        raise NotImplementedError

    def _save(self, author: Cadre, fields: dict) -> Any:
        try:
            return self.save_record(author=author, **fields)
        except LogChanged as error:
            raise LogConflict(
                {"non_field_errors": [error.message], "version": error.current_version, "text": error.current_text}
            ) from error

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        author = cadre_of(request.user)
        fields = {name: serializer.validated_data.get(name) for name in (*self.key_fields, "text")}
        if self.versioned:
            # No version means the client read no log for that day: an existing one is not replaced.
            fields["expected_version"] = serializer.validated_data.get("version", "")
        model = self.get_serializer_class().Meta.model
        existed = model.objects.filter(author=author, **{k: fields[k] for k in self.key_fields}).exists()
        record = self._save(author, fields)
        return Response(
            self.get_serializer(record).data, status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED
        )

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        record = self.get_object()
        author = cadre_of(request.user)
        if record.author_id != author.pk:
            raise PermissionDenied(self.not_own_message())
        serializer = self.update_serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields = {name: getattr(record, name) for name in self.key_fields}
        changes = dict(serializer.validated_data)
        if self.versioned and "version" in changes:
            changes["expected_version"] = changes.pop("version")
        return Response(self.get_serializer(self._save(author, {**fields, **changes})).data)


LOG_CONFLICT = OpenApiResponse(
    response=inline_serializer(
        "DailyLogConflict",
        fields={
            "non_field_errors": serializers.ListField(child=serializers.CharField()),
            "version": serializers.CharField(),
            "text": serializers.CharField(),
        },
    ),
    description="这一天的日志已不是读到的版本：未保存，返回当前的版本和内容。",
)


@extend_schema_view(
    create=extend_schema(responses={200: DailyLogSerializer, 201: DailyLogSerializer, 409: LOG_CONFLICT}),
    partial_update=extend_schema(
        request=DailyLogUpdateSerializer, responses={200: DailyLogSerializer, 409: LOG_CONFLICT}
    ),
)
class DailyLogViewSet(WrittenByOwnerViewSet):
    """Daily logs: the caller's own, their unit's, and the units they lead. Writing is for the
    caller's own log, inside the backfill window; POST for a day that has a log updates it."""

    serializer_class = DailyLogSerializer
    filterset_class = DailyLogFilter
    key_fields = ("day",)
    update_serializer_class = DailyLogUpdateSerializer
    versioned = True

    def get_queryset(self) -> QuerySet[DailyLog]:
        return access.logs_visible_to(self.request.user).select_related("author__unit").order_by("-day", "author_id")

    def save_record(self, **fields: Any) -> DailyLog:
        return services.daily_log_save(**fields)

    def not_own_message(self) -> str:
        return _("只能修改本人的工作日志。")


# --- Summaries -------------------------------------------------------------------------------------


class SummarySerializer(serializers.ModelSerializer):
    author_name = serializers.CharField(source="author.name", read_only=True)

    class Meta:
        model = Summary
        fields = ["id", "author", "author_name", "unit", "kind", "year", "quarter", "text", "created_at", "updated_at"]
        read_only_fields = ["author", "unit", "created_at", "updated_at"]
        # The years the product knows (as on the other year fields); the service narrows them further.
        extra_kwargs = {"year": {"min_value": 2000, "max_value": 2100}}
        # The service decides (and explains) duplicates: POST for an existing period updates it.
        validators: list = []

    def validate(self, data: dict) -> dict:
        if data.get("kind") == SummaryKind.QUARTERLY and data.get("quarter") not in (1, 2, 3, 4):
            raise serializers.ValidationError({"quarter": [_("季度小结须填写季度（1–4）。")]})
        if data.get("kind") == SummaryKind.ANNUAL:
            data["quarter"] = None
        return data


class SummaryUpdateSerializer(serializers.Serializer):
    text = serializers.CharField(trim_whitespace=False, max_length=10000)


@extend_schema_view(partial_update=extend_schema(request=SummaryUpdateSerializer, responses=SummarySerializer))
class SummaryViewSet(WrittenByOwnerViewSet):
    """Quarterly and annual summaries, readable like logs; writable by the author until the due date."""

    serializer_class = SummarySerializer
    filterset_fields = ["unit", "author", "kind", "year", "quarter"]
    key_fields = ("kind", "year", "quarter")
    update_serializer_class = SummaryUpdateSerializer

    def get_queryset(self) -> QuerySet[Summary]:
        return access.summaries_visible_to(self.request.user).select_related("author").order_by("-year", "kind")

    def save_record(self, **fields: Any) -> Summary:
        return services.summary_save(**fields)

    def not_own_message(self) -> str:
        return _("只能修改本人的小结和总结。")


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
            raise PermissionDenied(_("只有填报人可以修改这条实绩。"))
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
        services.achievement_delete(achievement=achievement, author=cadre_of(request.user))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=VerifySerializer, responses=AchievementSerializer)
    @action(detail=True, methods=["post"])
    def verify(self, request: Request, pk: str | None = None) -> Response:
        """Org staff: 待核实 / 已核实 / 存疑 with a note (required for 存疑)."""
        achievement = self.get_object()
        serializer = VerifySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.achievement_verify(
            achievement=achievement,
            status=serializer.validated_data["verification_status"],
            note=serializer.validated_data["verification_note"],
            actor=request.user,
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=achievement.pk)).data)

    @extend_schema(request={"multipart/form-data": AttachmentUploadSerializer}, responses={201: AttachmentSerializer})
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser, JSONParser])
    def attachments(self, request: Request, pk: str | None = None) -> Response:
        """Upload one evidence file (size limit and type allowlist as on the page)."""
        achievement = self._own()
        serializer = AttachmentUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        attachment = services.attachment_add(
            achievement=achievement,
            upload=serializer.validated_data["file"],
            author=cadre_of(request.user),
            actor=request.user,
        )
        return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)
