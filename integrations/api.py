"""The HR export (docs/hr-export.md): read-only feeds for another system's incremental sync.

Each feed is cursor-paginated in the order records last changed and takes `changed_since`; a client
keeps the largest `changed_at` it has seen and asks again from there. Service accounts read it with an
API token of the feed's scope; org staff (考核办) may read it signed in, to check what is sent.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.authentication import SessionAuthentication
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response

from cadres.models import Cadre, ResumeEntry
from evaluations.models import AnnualResult
from supervision.models import RewardSanction

from . import rules, selectors
from .auth import ServiceTokenAuthentication, TokenScopeOrOrgStaff, finish_token_use
from .models import ApiToken, Deletion

# --- Shapes -------------------------------------------------------------------------------------


class ExportUnitSerializer(serializers.Serializer):
    name = serializers.CharField(help_text=_("单位名称（唯一）"))
    category = serializers.CharField(
        help_text=_("单位类别：township 乡镇街道、district 区直单位、subordinate 区直下属单位")
    )
    parent = serializers.CharField(source="parent.name", allow_null=True, default=None, help_text=_("上级单位名称"))
    is_active = serializers.BooleanField()


class ExportPostSerializer(serializers.Serializer):
    title = serializers.CharField(source="post_title", help_text=_("职务"))
    role = serializers.CharField(help_text=_("班子角色"))
    rank = serializers.CharField(source="rank.name", help_text=_("职级"))
    rank_since = serializers.DateField(allow_null=True, help_text=_("任现职级时间"))


class ExportResumeSerializer(serializers.ModelSerializer):
    class Meta:
        model = ResumeEntry
        fields = ["start_date", "end_date", "description"]


class ExportCadreSerializer(serializers.ModelSerializer):
    unit = ExportUnitSerializer()
    post = ExportPostSerializer(source="*")
    resume = ExportResumeSerializer(source="resume_entries", many=True)
    changed_at = serializers.DateTimeField(help_text=_("该记录（干部、所在单位或简历）最近一次变化的时间"))

    class Meta:
        model = Cadre
        fields = [
            "code",
            "name",
            "gender",
            "birth_date",
            "ethnicity",
            "native_place",
            "political_status",
            "party_join_date",
            "education",
            "work_start_date",
            "is_active",
            "unit",
            "post",
            "resume",
            "changed_at",
        ]


class ExportAnnualResultSerializer(serializers.ModelSerializer):
    cadre_code = serializers.CharField(source="cadre.code")
    published = serializers.BooleanField(
        source="is_published", help_text=_("false：未公布或已撤回公布——对方若已有此结果应删除；此时其余字段为 null")
    )
    unit = serializers.CharField(source="unit.name", allow_null=True)
    rank = serializers.CharField(source="rank.name", allow_null=True)
    changed_at = serializers.DateTimeField()

    class Meta:
        model = AnnualResult
        fields = [
            "cadre_code",
            "year",
            "published",
            "unit",
            "unit_category",
            "role",
            "rank",
            "annual_score",
            "democratic_score",
            "unit_score",
            "quarterly_mean",
            "rank_in_unit",
            "unit_size",
            "rank_in_rank_level",
            "rank_level_size",
            "grade",
            "changed_at",
        ]
        extra_kwargs = {name: {"allow_null": True} for name in ("unit_category", "role", "grade")}

    KEY = ("cadre_code", "year", "published", "changed_at")

    def to_representation(self, instance: AnnualResult) -> dict[str, Any]:
        data = super().to_representation(instance)
        if not instance.is_published:  # never a number or a grade before it is published
            data = {name: (value if name in self.KEY else None) for name, value in data.items()}
        return data


class ExportRewardSanctionSerializer(serializers.ModelSerializer):
    cadre_code = serializers.CharField(source="cadre.code")
    changed_at = serializers.DateTimeField()

    class Meta:
        model = RewardSanction
        fields = [
            "id",
            "cadre_code",
            "kind",
            "accountability_form",
            "for_year",
            "document_no",
            "issuing_body",
            "date",
            "reason",
            "impact_months",
            "impact_end",
            "rectify_status",
            "closed_at",
            "changed_at",
        ]


class ExportDeletionSerializer(serializers.ModelSerializer):
    key = serializers.DictField(
        help_text=_(
            "被删除记录的标识：cadre {code}、unit {name}、annual_result {cadre_code, year}、reward_sanction {id}"
        )
    )
    changed_at = serializers.DateTimeField(help_text=_("删除时间"))

    class Meta:
        model = Deletion
        fields = ["kind", "key", "changed_at"]


# --- Feeds -------------------------------------------------------------------------------------


class ChangedSinceFilter(django_filters.FilterSet):
    changed_since = django_filters.IsoDateTimeFilter(
        field_name="changed_at",
        lookup_expr="gte",
        label=_("只返回此时刻（含）之后变化的记录，ISO 8601，例如 2026-12-01T08:00:00+08:00"),
    )


class ExportCursor(CursorPagination):
    ordering = ("changed_at", "pk")
    page_size = rules.EXPORT_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = rules.EXPORT_MAX_PAGE_SIZE


TOKEN_ERRORS = {
    401: OpenApiResponse(description="令牌无效、已过期或已吊销，或未提供令牌"),
    403: OpenApiResponse(description="令牌没有此接口的权限范围，或登录的人不是考核办人员"),
}


class ExportFeed(mixins.ListModelMixin, viewsets.GenericViewSet):
    authentication_classes = [ServiceTokenAuthentication, SessionAuthentication]
    permission_classes = [TokenScopeOrOrgStaff]
    pagination_class = ExportCursor
    filter_backends = [DjangoFilterBackend]
    filterset_class = ChangedSinceFilter
    required_scope: str | None = None

    def finalize_response(self, request: Request, response: Response, *args: Any, **kwargs: Any) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)
        finish_token_use(request, response.status_code)
        return response


@extend_schema_view(
    list=extend_schema(
        summary="人事系统导出：干部记录",
        description="干部（含已离任）及其单位、职务、简历。需要 cadres:read。按 changed_at 排序的游标分页。",
        responses={200: ExportCadreSerializer(many=True), **TOKEN_ERRORS},
    )
)
class CadreFeed(ExportFeed):
    serializer_class = ExportCadreSerializer
    required_scope = "cadres:read"

    def get_queryset(self) -> Any:
        return selectors.cadre_records()


@extend_schema_view(
    list=extend_schema(
        summary="人事系统导出：年度考核结果",
        description="已公布的年度结果；未公布或撤回公布的只给出标识（published=false）。需要 results:read。",
        responses={200: ExportAnnualResultSerializer(many=True), **TOKEN_ERRORS},
    )
)
class AnnualResultFeed(ExportFeed):
    serializer_class = ExportAnnualResultSerializer
    required_scope = "results:read"

    def get_queryset(self) -> Any:
        return selectors.annual_result_records()


@extend_schema_view(
    list=extend_schema(
        summary="人事系统导出：奖惩记录",
        description="奖惩记录。需要 supervision:read。",
        responses={200: ExportRewardSanctionSerializer(many=True), **TOKEN_ERRORS},
    )
)
class RewardSanctionFeed(ExportFeed):
    serializer_class = ExportRewardSanctionSerializer
    required_scope = "supervision:read"

    def get_queryset(self) -> Any:
        return selectors.reward_sanction_records()


@extend_schema_view(
    list=extend_schema(
        summary="人事系统导出：已删除的记录",
        description="被删除的干部、单位、年度结果和奖惩记录，只含令牌权限范围内的类别。任一权限范围均可读取。",
        responses={200: ExportDeletionSerializer(many=True), **TOKEN_ERRORS},
    )
)
class DeletionFeed(ExportFeed):
    serializer_class = ExportDeletionSerializer
    required_scope = None

    def get_queryset(self) -> Any:
        auth = self.request.auth
        return selectors.deletion_records(auth.scopes if isinstance(auth, ApiToken) else None)
