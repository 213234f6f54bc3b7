"""REST API of selection work: the same services, selectors and permissions as the pages.

Org staff manage posts, selections and the reserve pool (anyone else logged in: 404). A cadre
reads their pending ballots and casts an online vote. A refused step answers 400 naming the
field, with the same sentence the page shows. Counts of an open vote are never served.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from cadres.access import IsCadre, cadre_of
from cadres.models import Cadre, RankLevel

from . import quota, selectors
from .access import IsOrgStaffOr404
from .errors import SelectionError
from .models import ApprovedPost, Candidate, Method, Nomination, ReserveEntry, Selection, VoteKind
from .services import posts as post_services
from .services import reserves as reserve_services
from .services import selections as services
from .services import votes as vote_services


def _refused(error: SelectionError) -> serializers.ValidationError:
    return serializers.ValidationError({error.field or "non_field_errors": [error.message]})


class PersonSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit.name")

    class Meta:
        model = Cadre
        fields = ["id", "code", "name", "unit", "post_title"]


class PostSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    held = serializers.SerializerMethodField()
    vacancies = serializers.SerializerMethodField()

    class Meta:
        model = ApprovedPost
        fields = ["id", "unit", "unit_name", "title", "tier", "count", "document_number", "held", "vacancies"]

    def get_held(self, post: ApprovedPost) -> int:
        return quota.status_of(post).held

    def get_vacancies(self, post: ApprovedPost) -> int:
        return quota.status_of(post).vacancies


class PostViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    serializer_class = PostSerializer
    permission_classes = [IsOrgStaffOr404]
    queryset = ApprovedPost.objects.select_related("unit")

    def perform_create(self, serializer: PostSerializer) -> None:
        data = serializer.validated_data
        try:
            serializer.instance = post_services.post_save(by=self.request.user, **data)
        except SelectionError as error:
            raise _refused(error) from None


class CandidateSerializer(serializers.ModelSerializer):
    cadre = PersonSerializer()

    class Meta:
        model = Candidate
        fields = ["id", "cadre", "source", "round1_votes", "round1_passed", "round2_passed", "is_inspection_candidate"]


class SelectionSerializer(serializers.ModelSerializer):
    candidates = CandidateSerializer(many=True, read_only=True)

    class Meta:
        model = Selection
        fields = [
            "id",
            "post",
            "title",
            "method",
            "rounds",
            "plan",
            "state",
            "qualification_date",
            "min_rank",
            "min_years_in_rank",
            "min_education",
            "max_age",
            "quota_exception_document",
            "quota_exception_reason",
            "publicity_start",
            "publicity_end",
            "candidates",
        ]
        read_only_fields = ["state", "publicity_start", "publicity_end", "candidates"]


class SelectionCreateSerializer(serializers.Serializer):
    post = serializers.PrimaryKeyRelatedField(queryset=ApprovedPost.objects.all())
    title = serializers.CharField(max_length=200)
    method = serializers.ChoiceField(choices=Method.choices)
    rounds = serializers.ChoiceField(choices=[1, 2])
    plan = serializers.CharField(max_length=5000)
    qualification_date = serializers.DateField()
    min_rank = serializers.PrimaryKeyRelatedField(queryset=RankLevel.objects.all(), required=False, allow_null=True)
    min_years_in_rank = serializers.IntegerField(min_value=0, max_value=50, required=False, default=0)
    min_education = serializers.IntegerField(min_value=1, max_value=4, required=False, allow_null=True)
    max_age = serializers.IntegerField(min_value=18, max_value=65, required=False, allow_null=True)
    quota_exception_document = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    quota_exception_reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class NominationSerializer(serializers.ModelSerializer):
    nominator = PersonSerializer()
    nominee = PersonSerializer()

    class Meta:
        model = Nomination
        fields = ["nominator", "nominee", "reason", "signed_at"]


class SelectionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Selections (org staff). Create opens one within the quota or with an approved exception."""

    serializer_class = SelectionSerializer
    permission_classes = [IsOrgStaffOr404]
    queryset = Selection.objects.select_related("post__unit").prefetch_related("candidates__cadre__unit")

    @extend_schema(request=SelectionCreateSerializer, responses=SelectionSerializer)
    def create(self, request: Request) -> Response:
        data = SelectionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            selection = services.selection_open(by=request.user, **data.validated_data)
        except SelectionError as error:
            raise _refused(error) from None
        return Response(SelectionSerializer(selection).data, status=201)

    @extend_schema(responses=NominationSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def nominations(self, request: Request, pk: str | None = None) -> Response:
        """Who nominated whom in round 1 (痕迹管理): org staff only."""
        selection = self.get_object()
        rows = Nomination.objects.filter(selection=selection).select_related("nominator__unit", "nominee__unit")
        return Response(NominationSerializer(rows, many=True).data)


class ReserveSerializer(serializers.ModelSerializer):
    cadre_detail = PersonSerializer(source="cadre", read_only=True)

    class Meta:
        model = ReserveEntry
        fields = ["id", "cadre", "cadre_detail", "tier", "source", "reason", "entered_on", "review_on", "is_active"]
        read_only_fields = ["source", "is_active"]
        extra_kwargs = {"review_on": {"required": False}}
        validators: list = []


class ReserveViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    serializer_class = ReserveSerializer
    permission_classes = [IsOrgStaffOr404]
    queryset = ReserveEntry.objects.filter(is_active=True).select_related("cadre__unit")

    def perform_create(self, serializer: ReserveSerializer) -> None:
        try:
            serializer.instance = reserve_services.reserve_add(by=self.request.user, **serializer.validated_data)
        except SelectionError as error:
            raise _refused(error) from None


class BallotSerializer(serializers.Serializer):
    kind = serializers.CharField()
    selection = serializers.IntegerField(source="selection.id")
    post = serializers.CharField(source="selection.post")
    event = serializers.IntegerField(source="event.id", allow_null=True, default=None)
    event_kind = serializers.SerializerMethodField()

    def get_event_kind(self, ballot: Any) -> str:
        return VoteKind(ballot.event.kind).label if ballot.event else ""


class VoteInputSerializer(serializers.Serializer):
    candidates = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=2**62), max_length=50)


class MyBallotViewSet(viewsets.ViewSet):
    """The signed-in cadre's pending ballots; an online vote records only that they voted."""

    permission_classes = [IsAuthenticated, IsCadre]

    @extend_schema(responses=BallotSerializer(many=True))
    def list(self, request: Request) -> Response:
        return Response(BallotSerializer(selectors.pending_ballots(cadre_of(request.user)), many=True).data)

    @extend_schema(request=VoteInputSerializer, responses={204: None})
    @action(detail=True, methods=["post"])
    def vote(self, request: Request, pk: str | None = None) -> Response:
        from .access import get_event_for_voter

        event = get_event_for_voter(request.user, pk)
        data = VoteInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            vote_services.vote_cast(
                event_id=event.pk, voter=cadre_of(request.user), candidate_ids=data.validated_data["candidates"]
            )
        except SelectionError as error:
            raise _refused(error) from None
        return Response(status=204)
