"""REST API of selection work: the same services, selectors and permissions as the pages.

Org staff manage posts, selections and the reserve pool (anyone else logged in: 404). A cadre
reads their pending ballots and casts an online vote. A refused step answers 400 naming the
field, with the same sentence the page shows. Counts of an open vote are never served.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from cadres.access import IsCadre, cadre_of, get_object_or_404_in
from cadres.models import Cadre, RankLevel, Unit

from . import quota, selectors
from .access import IsOrgStaffOr404
from .models import ApprovedPost, Candidate, Method, Nomination, ReserveEntry, Selection, VoteEvent, VoteKind, VoteMode
from .services import posts as post_services
from .services import reserves as reserve_services
from .services import selections as services
from .services import votes as vote_services

# Any other kind answers the API's JSON 404 (the URL pattern takes any word for it).
VOTE_KIND = OpenApiParameter("kind", str, OpenApiParameter.PATH, enum=["round2", "meeting", "talk"])


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
        serializer.instance = post_services.post_save(actor=self.request.user, **data)


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


class VotersInputSerializer(serializers.Serializer):
    voters = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=2**62), max_length=5000)


class UnitRecommendationInputSerializer(serializers.Serializer):
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.filter(is_active=True))
    cadre = serializers.PrimaryKeyRelatedField(queryset=Cadre.objects.filter(is_active=True))
    reason = serializers.CharField(max_length=2000)
    document_number = serializers.CharField(max_length=100)


class Round1CloseInputSerializer(serializers.Serializer):
    publicity_start = serializers.DateField(required=False, allow_null=True)


class EventSetupInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=VoteKind.choices)
    mode = serializers.ChoiceField(choices=VoteMode.choices)
    voter_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**62), max_length=5000, required=False, default=list
    )
    expected = serializers.IntegerField(min_value=1, max_value=100000, required=False, allow_null=True)
    max_choices = serializers.IntegerField(min_value=1, max_value=50, required=False, default=1)


class PaperCountsInputSerializer(serializers.Serializer):
    actual = serializers.IntegerField(min_value=0, max_value=100000)
    counts = serializers.DictField(
        child=serializers.IntegerField(min_value=0, max_value=100000), help_text="人选 id → 得票"
    )

    def validate_counts(self, value: dict) -> dict:
        if not all(str(k).isdigit() and len(str(k)) <= 18 for k in value):
            raise serializers.ValidationError("人选 id 须为数字。")
        return value


class OutcomeSerializer(serializers.Serializer):
    candidate = serializers.IntegerField(source="candidate.id")
    name = serializers.CharField(source="candidate.cadre.name")
    meeting_votes = serializers.IntegerField(allow_null=True)
    meeting_share = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    talk_votes = serializers.IntegerField(allow_null=True)
    talk_share = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    in_pool = serializers.BooleanField()
    passes = serializers.BooleanField()


class SelectionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Selections (org staff). Create opens one within the quota or with an approved exception."""

    serializer_class = SelectionSerializer
    permission_classes = [IsOrgStaffOr404]
    queryset = Selection.objects.select_related("post__unit").prefetch_related("candidates__cadre__unit")

    @extend_schema(request=SelectionCreateSerializer, responses=SelectionSerializer)
    def create(self, request: Request) -> Response:
        data = SelectionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        selection = services.selection_open(actor=request.user, **data.validated_data)
        return Response(SelectionSerializer(selection).data, status=201)

    @extend_schema(responses=NominationSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def nominations(self, request: Request, pk: str | None = None) -> Response:
        """Who nominated whom in round 1 (痕迹管理): org staff only."""
        selection = self.get_object()
        rows = Nomination.objects.filter(selection=selection).select_related("nominator__unit", "nominee__unit")
        return Response(NominationSerializer(rows, many=True).data)

    def _run(self, request: Request, input_class: type | None, call: Any) -> Response:
        """Validate the input, run the service, answer with the selection as it now stands."""
        selection = self.get_object()
        data = {}
        if input_class is not None:
            parsed = input_class(data=request.data)
            parsed.is_valid(raise_exception=True)
            data = parsed.validated_data
        call(selection, data)
        return Response(SelectionSerializer(self.get_queryset().get(pk=selection.pk)).data)

    @extend_schema(request=VotersInputSerializer, responses=SelectionSerializer)
    @action(detail=True, methods=["post"], url_path="start-nomination")
    def start_nomination(self, request: Request, pk: str | None = None) -> Response:
        return self._run(
            request,
            VotersInputSerializer,
            lambda s, d: services.selection_start_nomination(selection=s, voter_ids=d["voters"], actor=request.user),
        )

    @extend_schema(request=UnitRecommendationInputSerializer, responses=SelectionSerializer)
    @action(detail=True, methods=["post"], url_path="unit-recommendations")
    def unit_recommendation(self, request: Request, pk: str | None = None) -> Response:
        return self._run(
            request,
            UnitRecommendationInputSerializer,
            lambda s, d: services.unit_recommendation_record(selection=s, actor=request.user, **d),
        )

    @extend_schema(request=Round1CloseInputSerializer, responses=SelectionSerializer)
    @action(detail=True, methods=["post"], url_path="round1-close")
    def round1_close(self, request: Request, pk: str | None = None) -> Response:
        return self._run(
            request,
            Round1CloseInputSerializer,
            lambda s, d: services.round1_close(
                selection=s, actor=request.user, publicity_start=d.get("publicity_start")
            ),
        )

    @extend_schema(request=None, responses=SelectionSerializer)
    @action(detail=True, methods=["post"], url_path="publicity-end")
    def publicity_end(self, request: Request, pk: str | None = None) -> Response:
        return self._run(request, None, lambda s, d: services.publicity_end(selection=s, actor=request.user))

    @extend_schema(request=None, responses=SelectionSerializer)
    @action(detail=True, methods=["post"], url_path="round2-close")
    def round2_close(self, request: Request, pk: str | None = None) -> Response:
        return self._run(request, None, lambda s, d: services.round2_close(selection=s, actor=request.user))

    @extend_schema(request=None, responses=SelectionSerializer)
    @action(detail=True, methods=["post"])
    def finalize(self, request: Request, pk: str | None = None) -> Response:
        return self._run(request, None, lambda s, d: services.candidates_finalize(selection=s, actor=request.user))

    @extend_schema(request=EventSetupInputSerializer, responses=SelectionSerializer)
    @action(detail=True, methods=["post"])
    def votes(self, request: Request, pk: str | None = None) -> Response:
        """Set up the 公推 vote, the meeting or the talk recommendation (online or paper)."""
        return self._run(
            request,
            EventSetupInputSerializer,
            lambda s, d: vote_services.event_setup(selection=s, actor=request.user, **d),
        )

    @extend_schema(request=PaperCountsInputSerializer, responses=SelectionSerializer, parameters=[VOTE_KIND])
    @action(detail=True, methods=["post"], url_path=r"votes/(?P<kind>[^/.]+)/paper")
    def paper_counts(self, request: Request, pk: str | None = None, kind: str = "") -> Response:
        def call(s: Selection, d: dict) -> None:
            event = get_object_or_404_in(VoteEvent.objects.filter(selection=s), kind=kind)
            vote_services.paper_counts_enter(
                event=event, actual=d["actual"], counts={int(k): v for k, v in d["counts"].items()}, actor=request.user
            )

        return self._run(request, PaperCountsInputSerializer, call)

    @extend_schema(request=None, responses=SelectionSerializer, parameters=[VOTE_KIND])
    @action(detail=True, methods=["post"], url_path=r"votes/(?P<kind>[^/.]+)/close")
    def close_vote(self, request: Request, pk: str | None = None, kind: str = "") -> Response:
        def call(s: Selection, d: dict) -> None:
            event = get_object_or_404_in(VoteEvent.objects.filter(selection=s), kind=kind)
            vote_services.event_close(event=event, actor=request.user)

        return self._run(request, None, call)

    @extend_schema(responses=OutcomeSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def outcome(self, request: Request, pk: str | None = None) -> Response:
        """民主推荐: each finalist's votes and shares, and whether they pass (closed votes only)."""
        result = selectors.recommendation_outcome(self.get_object())
        return Response(OutcomeSerializer(result.rows, many=True).data)


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
        serializer.instance = reserve_services.reserve_add(actor=self.request.user, **serializer.validated_data)


class BallotSerializer(serializers.Serializer):
    kind = serializers.CharField()
    selection = serializers.IntegerField(source="selection.id")
    post = serializers.CharField(source="selection.post")
    event = serializers.IntegerField(source="event.id", allow_null=True, default=None)
    event_kind = serializers.SerializerMethodField()

    def get_event_kind(self, ballot: Any) -> str:
        return VoteKind(ballot.event.kind).label if ballot.event else ""


class VoteReceiptSerializer(serializers.Serializer):
    receipt = serializers.CharField(help_text="XXXX-XXXX-XXXX: check it in the receipt list once the vote closes")


class VoteInputSerializer(serializers.Serializer):
    candidates = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=2**62), max_length=50)


class NominateInputSerializer(serializers.Serializer):
    nominee = serializers.PrimaryKeyRelatedField(queryset=Cadre.objects.filter(is_active=True))
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True)


class MyBallotViewSet(viewsets.ViewSet):
    """The signed-in cadre's pending ballots; an online vote records only that they voted."""

    permission_classes = [IsAuthenticated, IsCadre]

    @extend_schema(responses=BallotSerializer(many=True))
    def list(self, request: Request) -> Response:
        return Response(BallotSerializer(selectors.pending_ballots(cadre_of(request.user)), many=True).data)

    @extend_schema(request=NominateInputSerializer, responses={204: None})
    @action(detail=True, methods=["post"])
    def nominate(self, request: Request, pk: str | None = None) -> Response:
        """Round 1: sign a nomination in the selection `pk` (only for voters on its list)."""
        from .access import get_selection_for_nominator

        selection = get_selection_for_nominator(request.user, pk)
        data = NominateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.nomination_sign(
            selection=selection,
            nominator=cadre_of(request.user),
            nominee=data.validated_data["nominee"],
            reason=data.validated_data.get("reason", ""),
        )
        return Response(status=204)

    @extend_schema(request=VoteInputSerializer, responses=VoteReceiptSerializer)
    @action(detail=True, methods=["post"])
    def vote(self, request: Request, pk: str | None = None) -> Response:
        """Cast an online ballot; the answer carries its receipt, shown once and kept nowhere."""
        from .access import get_event_for_voter

        event = get_event_for_voter(request.user, pk)
        data = VoteInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        receipt = vote_services.vote_cast(
            event_id=event.pk, voter=cadre_of(request.user), candidate_ids=data.validated_data["candidates"]
        )
        return Response({"receipt": receipt})
