"""REST API for public feedback triage: the same access, selectors and service as the staff pages."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from core.ids import parse_id

from . import feedback_selectors
from .feedback_access import HandlesFeedback
from .models import Feedback, FeedbackEvent, FeedbackState
from .services import feedback as service


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
        return list(service.allowed_next_states(obj.state))


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

    permission_classes = [HandlesFeedback]
    serializer_class = FeedbackSerializer
    filter_backends: list = []

    def get_queryset(self):
        params = self.request.query_params
        notice = params.get("notice", "")
        return feedback_selectors.feedback_list(
            viewer=self.request.user,
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
        try:
            feedback = service.feedback_transition(
                feedback=feedback,
                to_state=data.validated_data["to_state"],
                note=data.validated_data["note"],
                public_reply=data.validated_data["public_reply"],
                actor=request.user,
            )
        except service.TransitionRefused as error:
            raise serializers.ValidationError({error.field or "non_field_errors": [error.message]}) from None
        return Response(FeedbackDetailSerializer(feedback).data)
