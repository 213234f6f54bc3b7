"""REST API of the staff side of 任前公示: the same services and permissions as the pages.

Org staff only; anyone else logged in gets 404. A refused transition answers 400 naming the
field it is about, with the same sentence the page shows.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from cadres.models import Cadre
from core.ids import parse_id

from . import selectors
from .access import IsOrgStaffOr404
from .models import (
    NOTICE_TEXT_FIELDS,
    Feedback,
    FeedbackEvent,
    FeedbackState,
    GateCheck,
    GateCheckKind,
    GateCheckResult,
    Notice,
    Outcome,
)
from .services import feedback as feedback_service
from .services import notices as services


class GateCheckSerializer(serializers.ModelSerializer):
    checked_by = serializers.CharField(source="checked_by.username", read_only=True)

    class Meta:
        model = GateCheck
        fields = ["kind", "result", "note", "checked_by", "checked_at"]


class NoticeSerializer(serializers.ModelSerializer):
    cadre_name = serializers.CharField(source="cadre.name", read_only=True)
    stage = serializers.SerializerMethodField(help_text="draft / gate / publicity / ended / decided（按日期推算）")
    gate_checks = GateCheckSerializer(many=True, read_only=True)
    # Blank until the outcome is recorded: the schema's enum says so ("" besides the choices).
    outcome = serializers.ChoiceField(choices=Outcome.choices, allow_blank=True, read_only=True)

    class Meta:
        model = Notice
        fields = [
            "id",
            "public_id",
            "cadre",
            "cadre_name",
            "state",
            "stage",
            *NOTICE_TEXT_FIELDS,
            "start_date",
            "end_date",
            "published_at",
            "outcome",
            "outcome_reason",
            "decided_at",
            "gate_checks",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_stage(self, notice: Notice) -> str:
        return selectors.stage(notice, timezone.localdate())


class NoticeCreateSerializer(serializers.Serializer):
    cadre = serializers.PrimaryKeyRelatedField(queryset=Cadre.objects.filter(is_active=True).select_related("unit"))
    proposed_post = serializers.CharField(max_length=Notice._meta.get_field("proposed_post").max_length)
    current_post = serializers.CharField(
        max_length=Notice._meta.get_field("current_post").max_length, required=False, allow_blank=True
    )


class NoticeUpdateSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notice
        fields = list(services.EDIT_FIELDS)


class GateCheckInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=GateCheckKind.choices)
    result = serializers.ChoiceField(choices=GateCheckResult.choices)
    note = serializers.CharField(max_length=GateCheck._meta.get_field("note").max_length)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class PublishSerializer(serializers.Serializer):
    start_date = serializers.DateField()


class OutcomeSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    reason = serializers.CharField(max_length=Notice._meta.get_field("outcome_reason").max_length)


class NoticeViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """任前公示 (org staff): draft, edit, submit to the gate, record the four checks, publish, outcome."""

    permission_classes = [IsOrgStaffOr404]
    serializer_class = NoticeSerializer
    filterset_fields = ["state", "cadre"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> Any:
        return (
            Notice.objects.select_related("cadre")
            .prefetch_related("gate_checks__checked_by")
            .order_by("-updated_at", "-pk")
        )

    def _run(self, request: Request, input_class: type | None, call: Any) -> Response:
        notice = self.get_object()
        data: dict = {}
        if input_class is not None:
            serializer = input_class(data=request.data)
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
        call(notice, data)
        return Response(NoticeSerializer(self.get_queryset().get(pk=notice.pk)).data)

    @extend_schema(request=NoticeCreateSerializer, responses={201: NoticeSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = NoticeCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        notice = services.notice_create(
            cadre=data["cadre"],
            proposed_post=data["proposed_post"],
            current_post=data.get("current_post"),
            actor=request.user,
        )
        return Response(NoticeSerializer(self.get_queryset().get(pk=notice.pk)).data, status=201)

    @extend_schema(request=NoticeUpdateSerializer, responses={200: NoticeSerializer})
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        notice = self.get_object()
        serializer = NoticeUpdateSerializer(notice, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.notice_update(notice=notice, actor=request.user, **serializer.validated_data)
        return Response(NoticeSerializer(self.get_queryset().get(pk=notice.pk)).data)

    @extend_schema(request=None, responses={200: NoticeSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        return self._run(request, None, lambda n, d: services.notice_submit(notice=n, actor=request.user))

    @extend_schema(request=None, responses={200: NoticeSerializer})
    @action(detail=True, methods=["post"])
    def rebuild(self, request: Request, pk: str | None = None) -> Response:
        return self._run(request, None, lambda n, d: services.notice_rebuild(notice=n, actor=request.user))

    @extend_schema(request=GateCheckInputSerializer, responses={200: NoticeSerializer})
    @action(detail=True, methods=["post"], url_path="gate-check")
    def gate_check(self, request: Request, pk: str | None = None) -> Response:
        return self._run(
            request,
            GateCheckInputSerializer,
            lambda n, d: services.gate_check_record(notice=n, actor=request.user, **d),
        )

    @extend_schema(request=ReasonSerializer, responses={200: NoticeSerializer})
    @action(detail=True, methods=["post"], url_path="send-back")
    def send_back(self, request: Request, pk: str | None = None) -> Response:
        return self._run(
            request, ReasonSerializer, lambda n, d: services.notice_send_back(notice=n, actor=request.user, **d)
        )

    @extend_schema(request=PublishSerializer, responses={200: NoticeSerializer})
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str | None = None) -> Response:
        return self._run(
            request, PublishSerializer, lambda n, d: services.notice_publish(notice=n, actor=request.user, **d)
        )

    @extend_schema(request=OutcomeSerializer, responses={200: NoticeSerializer})
    @action(detail=True, methods=["post"])
    def outcome(self, request: Request, pk: str | None = None) -> Response:
        return self._run(
            request, OutcomeSerializer, lambda n, d: services.outcome_record(notice=n, actor=request.user, **d)
        )


# --- Public feedback triage --------------------------------------------------------------------


class FeedbackEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", default=None, read_only=True)

    class Meta:
        model = FeedbackEvent
        fields = ["from_state", "to_state", "note", "actor", "at"]


class FeedbackSerializer(serializers.ModelSerializer):
    notice_title = serializers.CharField(source="notice.title", read_only=True)
    allowed_next_states = serializers.SerializerMethodField()
    # Blank until verification finds something: the schema's enum says so ("" besides the choices).
    finding = serializers.ChoiceField(
        choices=Feedback._meta.get_field("finding").choices, allow_blank=True, read_only=True
    )

    class Meta:
        model = Feedback
        fields = [
            "id",
            "receipt_code",
            "notice",
            "notice_title",
            "name",
            "contact",
            "text",
            "state",
            "finding",
            "public_reply",
            "allowed_next_states",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=FeedbackState.choices)))
    def get_allowed_next_states(self, obj: Feedback) -> list[str]:
        return list(feedback_service.allowed_next_states(obj.state))


class FeedbackDetailSerializer(FeedbackSerializer):
    events = FeedbackEventSerializer(many=True, read_only=True)

    class Meta(FeedbackSerializer.Meta):
        fields = [*FeedbackSerializer.Meta.fields, "events"]
        read_only_fields = fields


class FeedbackTransitionSerializer(serializers.Serializer):
    to_state = serializers.ChoiceField(choices=FeedbackState.choices)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    public_reply = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


class FeedbackViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Public feedback on notices (org staff): list with filters, one item with its trail, triage steps."""

    permission_classes = [IsOrgStaffOr404]
    serializer_class = FeedbackSerializer
    filter_backends: list = []

    def get_queryset(self):
        params = self.request.query_params
        notice = params.get("notice", "")
        return selectors.feedback_list(
            actor=self.request.user,
            notice_id=parse_id(notice),
            state=params.get("state", ""),
            q=params.get("q", ""),
        ).prefetch_related("events__actor")

    def get_serializer_class(self):
        return FeedbackDetailSerializer if self.action in ("retrieve", "transition") else FeedbackSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("notice", int, description="任前公示 id"),
            OpenApiParameter("state", str, enum=FeedbackState.values),
            OpenApiParameter("q", str, description="查询码、内容、姓名、联系方式或公示对象"),
        ]
    )
    def list(self, request: Request, *args, **kwargs) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=FeedbackTransitionSerializer, responses={200: FeedbackDetailSerializer, 400: None})
    @action(detail=True, methods=["post"])
    def transition(self, request: Request, pk: str | None = None) -> Response:
        feedback = self.get_object()
        data = FeedbackTransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        feedback = feedback_service.feedback_transition(
            feedback=feedback,
            to_state=data.validated_data["to_state"],
            note=data.validated_data["note"],
            public_reply=data.validated_data["public_reply"],
            actor=request.user,
        )
        return Response(FeedbackDetailSerializer(feedback).data)
