"""REST API of the evaluations app: the same services, selectors and anonymity rules as the pages.

Group averages come out of selectors.result_rows, so a group below the display threshold is
null here too; no endpoint returns a sheet's scores, a draft of someone else, or anything that
joins a rater to a score.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from cadres.access import IsCadre, IsOrgStaff, cadre_of, is_org_staff
from core.ids import parse_id

from . import selectors
from .errors import AlreadySubmitted, SheetRuleBroken
from .inputs import SheetInput
from .lines import sheet_lines
from .models import AnnualResult, Period, PeriodState, QuarterlyResult, SheetAssignment
from .services import ballots, periods, scoring


class PeriodSerializer(serializers.ModelSerializer):
    title = serializers.CharField(read_only=True)
    code = serializers.CharField(read_only=True)

    class Meta:
        model = Period
        fields = [
            "id",
            "code",
            "title",
            "kind",
            "year",
            "quarter",
            "state",
            "deadline",
            "opened_at",
            "closed_at",
            "computed_at",
            "published_at",
            "provisional_until",
        ]
        read_only_fields = ["state", "opened_at", "closed_at", "computed_at", "published_at", "provisional_until"]

    def validate(self, attrs: dict) -> dict:
        if attrs.get("kind", "quarterly") == "quarterly" and not attrs.get("quarter"):
            raise serializers.ValidationError({"quarter": "季度考核须填写季度（1–4）。"})
        if attrs.get("kind") == "annual":
            attrs["quarter"] = None
        return attrs


class GroupSerializer(serializers.Serializer):
    group = serializers.CharField()
    rater_count = serializers.IntegerField()
    average = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    visibility = serializers.CharField()


class ResultRowSerializer(serializers.Serializer):
    cadre_code = serializers.CharField(source="result.cadre.code")
    name = serializers.CharField(source="result.cadre.name")
    unit = serializers.CharField(source="result.unit.name")
    rank_level = serializers.CharField(source="result.rank.name")
    groups = GroupSerializer(many=True)
    weighted_score = serializers.DecimalField(
        source="result.weighted_score", max_digits=6, decimal_places=2, allow_null=True
    )
    deduction = serializers.DecimalField(source="result.deduction", max_digits=6, decimal_places=2)
    score = serializers.DecimalField(source="result.score", max_digits=6, decimal_places=2, allow_null=True)
    rank_in_unit = serializers.IntegerField(source="result.rank_in_unit", allow_null=True)
    unit_size = serializers.IntegerField(source="result.unit_size", allow_null=True)
    rank_in_rank_level = serializers.IntegerField(source="result.rank_in_rank_level", allow_null=True)
    rank_level_size = serializers.IntegerField(source="result.rank_level_size", allow_null=True)
    rank_in_category = serializers.IntegerField(source="result.rank_in_category", allow_null=True)
    category_size = serializers.IntegerField(source="result.category_size", allow_null=True)
    provisional = serializers.BooleanField(source="result.period.is_provisional", read_only=True)


class CompletionSerializer(serializers.Serializer):
    unit_id = serializers.IntegerField()
    unit_name = serializers.CharField()
    sheets = serializers.IntegerField()
    submitted = serializers.IntegerField()
    paper_sheets = serializers.IntegerField()
    rate = serializers.IntegerField()


class RunSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()


class PeriodViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Evaluation periods (org staff): create, open, close, compute, publish; completion and results."""

    serializer_class = PeriodSerializer
    permission_classes = [IsOrgStaff]
    queryset = Period.objects.all().order_by("-year", "-quarter")
    filterset_fields = ["kind", "year", "state"]

    def perform_create(self, serializer: PeriodSerializer) -> None:
        data = serializer.validated_data
        serializer.instance = periods.period_create(
            kind=data.get("kind", "quarterly"),
            year=data["year"],
            quarter=data.get("quarter"),
            deadline=data.get("deadline"),
            actor=self.request.user,
        )

    def _transition(self, request: Request, service: Any) -> Response:
        period = self.get_object()
        service(period=period, actor=request.user)
        period.refresh_from_db()
        return Response(PeriodSerializer(period).data)

    @extend_schema(request=None, responses={202: RunSerializer, 400: None})
    @action(detail=True, methods=["post"])
    def open(self, request: Request, pk: str | None = None) -> Response:
        """Queue the opening (a background job, like the computation); the period opens when it is done."""
        job = periods.period_open_request(period=self.get_object(), actor=request.user)
        return Response({"id": job.pk, "status": job.status}, status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=None, responses={200: PeriodSerializer, 400: None})
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None) -> Response:
        return self._transition(request, periods.period_close)

    @extend_schema(request=None, responses={202: RunSerializer, 400: None})
    @action(detail=True, methods=["post"])
    def compute(self, request: Request, pk: str | None = None) -> Response:
        run = scoring.computation_request(period=self.get_object(), actor=request.user)
        return Response({"id": run.pk, "status": run.status}, status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=None, responses={200: PeriodSerializer, 400: None})
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str | None = None) -> Response:
        return self._transition(request, periods.period_publish)

    @extend_schema(responses=CompletionSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)  # one row per unit, never paged
    def completion(self, request: Request, pk: str | None = None) -> Response:
        rows = selectors.completion_by_unit(self.get_object())
        return Response(CompletionSerializer(rows, many=True).data)

    @extend_schema(
        responses=ResultRowSerializer(many=True),
        parameters=[OpenApiParameter("unit", int), OpenApiParameter("rank", int), OpenApiParameter("category", str)],
    )
    @action(detail=True, methods=["get"])
    def results(self, request: Request, pk: str | None = None) -> Response:
        period = self.get_object()
        if not period.has_results or period.is_annual:
            raise NotFound("该周期没有季度结果。")
        filters = {k: request.query_params.get(k) for k in ("unit", "rank", "category", "role", "q")}
        for key in ("unit", "rank"):
            filters[key] = parse_id(filters[key])
        page = self.paginate_queryset(selectors.results_queryset(period, filters))
        rows = selectors.result_rows(period, page)
        return self.get_paginated_response(ResultRowSerializer(rows, many=True).data)


class SheetLineSerializer(serializers.Serializer):
    ratee_id = serializers.IntegerField()
    name = serializers.CharField(source="ratee.name")
    rater_group = serializers.CharField()


class MySheetSerializer(serializers.ModelSerializer):
    period = serializers.CharField(source="period.code")
    unit = serializers.CharField(source="unit.name")
    submitted = serializers.BooleanField(source="is_submitted")
    ratee_count = serializers.IntegerField()

    class Meta:
        model = SheetAssignment
        fields = ["id", "period", "unit", "submitted", "ratee_count"]


@extend_schema_field(OpenApiTypes.INT)
class ScoreValueField(serializers.Field):
    """A score as sent, number or text: the sheet rules judge it, so 1e309 gets the range message like 101."""

    default_error_messages = {"invalid": "分数须为整数。"}

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, list | dict):
            self.fail("invalid")
        return data

    def to_representation(self, value: Any) -> Any:
        return value


class SheetScoresSerializer(serializers.Serializer):
    scores = serializers.DictField(child=ScoreValueField(allow_null=True), help_text="被评价人 id → 分数")


class MySheetViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The signed-in rater's sheets of open periods: read, save a draft, submit once."""

    serializer_class = MySheetSerializer
    permission_classes = [IsAuthenticated, IsCadre]

    def get_queryset(self) -> Any:
        return selectors.my_sheets(cadre_of(self.request.user)).filter(period__state=PeriodState.OPEN)

    @extend_schema(responses=SheetLineSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)  # the whole sheet, never paged
    def lines(self, request: Request, pk: str | None = None) -> Response:
        assignment = self.get_object()
        return Response(SheetLineSerializer(sheet_lines(assignment), many=True).data)

    def _input(self, request: Request) -> SheetInput:
        serializer = SheetScoresSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return SheetInput(
            scores={
                ratee_id: v
                for k, v in serializer.validated_data["scores"].items()
                if (ratee_id := parse_id(k)) is not None
            }
        )

    def _run(self, request: Request, service: Any) -> Response:
        assignment = self.get_object()
        if assignment.period.is_annual:
            raise NotFound("年度民主测评表请在网页上填写。")
        data = self._input(request)
        try:
            outcome = service(assignment_id=assignment.pk, rater=cadre_of(request.user), data=data)
        except SheetRuleBroken as error:
            return Response(
                {"scores": [p.message for p in error.problems], "rules": sorted({p.rule for p in error.problems})},
                status=status.HTTP_400_BAD_REQUEST,
            )
        except AlreadySubmitted as error:
            return Response({"detail": error.message}, status=status.HTTP_409_CONFLICT)
        if isinstance(outcome, str):  # a submission's receipt, kept by the rater alone
            return Response({"status": "ok", "receipt": outcome})
        return Response({"status": "ok"})

    @extend_schema(
        request=SheetScoresSerializer,
        responses={200: inline_serializer("Ok", {"status": serializers.CharField()}), 400: None},
    )
    @action(detail=True, methods=["post"])
    def draft(self, request: Request, pk: str | None = None) -> Response:
        return self._run(request, ballots.sheet_save_draft)

    @extend_schema(
        request=SheetScoresSerializer,
        responses={
            200: inline_serializer(
                "Submitted", {"status": serializers.CharField(), "receipt": serializers.CharField()}
            ),
            400: None,
            409: None,
        },
    )
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        return self._run(request, ballots.sheet_submit)


class MyResultSerializer(serializers.ModelSerializer):
    period = serializers.CharField(source="period.code")
    unit = serializers.CharField(source="unit.name")
    provisional = serializers.BooleanField(source="period.is_provisional", read_only=True)

    class Meta:
        model = QuarterlyResult
        fields = [
            "period",
            "unit",
            "weighted_score",
            "deduction",
            "score",
            "rank_in_unit",
            "unit_size",
            "rank_in_rank_level",
            "rank_level_size",
            "provisional",
        ]


class MyResultViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The signed-in cadre's published quarterly results."""

    serializer_class = MyResultSerializer
    permission_classes = [IsAuthenticated, IsCadre]

    def get_queryset(self) -> Any:
        return (
            QuarterlyResult.objects.filter(cadre=cadre_of(self.request.user), period__state=PeriodState.PUBLISHED)
            .select_related("period", "unit")
            .order_by("-period__year", "-period__quarter")
        )


class AnnualResultSerializer(serializers.ModelSerializer):
    # Plain strings: both fields share the Grade choices, one enum in the schema is enough.
    proposed_grade = serializers.CharField(read_only=True)
    cadre_code = serializers.CharField(source="cadre.code")
    name = serializers.CharField(source="cadre.name")
    unit_name = serializers.CharField(source="unit.name")
    provisional = serializers.SerializerMethodField()

    class Meta:
        model = AnnualResult
        fields = [
            "id",
            "year",
            "cadre_code",
            "name",
            "unit_name",
            "role",
            "democratic_score",
            "unit_score",
            "quarterly_mean",
            "annual_score",
            "rank_in_unit",
            "unit_size",
            "rank_in_rank_level",
            "rank_level_size",
            "proposed_grade",
            "grade",
            "is_published",
            "provisional",
        ]

    def get_provisional(self, result: AnnualResult) -> bool:
        """Computed before the year's last backfill window closed (暂定)."""
        return bool(result.period_id and result.period.is_provisional)


class AnnualResultViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Annual results: org staff all of them, a cadre their own published ones."""

    serializer_class = AnnualResultSerializer
    permission_classes = [IsAuthenticated]
    filterset_fields = ["year", "unit", "grade"]

    def get_queryset(self) -> Any:
        rows = AnnualResult.objects.select_related("cadre", "unit", "period").order_by("-year", "unit", "rank_in_unit")
        if is_org_staff(self.request.user):
            return rows
        cadre = cadre_of(self.request.user)
        return rows.published().filter(cadre=cadre) if cadre else rows.none()
