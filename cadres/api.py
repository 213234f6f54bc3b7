"""REST API of the cadres app: the same scopes and rules as the pages."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action, api_view
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request
from rest_framework.response import Response

from . import access, services, validators
from .filters import CadreFilter
from .models import Cadre, RankLevel, Unit, validate_unit_parent


class ReadOrOrgStaffWrite(BasePermission):
    def has_permission(self, request: Any, view: Any) -> bool:
        if not request.user.is_authenticated:
            return False
        return request.method in SAFE_METHODS or access.is_org_staff(request.user)


class UnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["id", "name", "category", "parent", "is_active", "sort_order"]
        # The column's range (PositiveIntegerField), stated so the schema does not promise 64 bits.
        extra_kwargs = {"sort_order": {"max_value": 2147483647}}

    def validate_parent(self, value: Unit | None) -> Unit | None:
        validate_unit_parent(value, unit=self.instance)
        return value

    def create(self, validated_data: dict[str, Any]) -> Unit:
        return services.unit_create(actor=self.context["request"].user, values=validated_data)

    def update(self, instance: Unit, validated_data: dict[str, Any]) -> Unit:
        return services.unit_update(unit=instance, actor=self.context["request"].user, values=validated_data)


class CadreSerializer(serializers.ModelSerializer):
    rank = serializers.SlugRelatedField(slug_field="name", queryset=RankLevel.objects.all())
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = Cadre
        fields = [
            "id",
            "code",
            "name",
            "gender",
            "birth_date",
            "ethnicity",
            "native_place",
            "party_join_date",
            "education",
            "work_start_date",
            "unit",
            "unit_name",
            "rank",
            "post_title",
            "role",
            "is_active",
        ]
        read_only_fields = ["is_active"]

    # The record rules (cadres.validators), field by field so that each bad field is named at once.
    def validate_code(self, value: str) -> str:
        return validators.clean_cadre_code(value, cadre=self.instance)

    def validate_name(self, value: str) -> str:
        return validators.clean_cadre_name(value)

    def validate_birth_date(self, value: date) -> date | None:
        return validators.clean_cadre_birth_date(value)

    def create(self, validated_data: dict[str, Any]) -> Cadre:
        return services.cadre_create(actor=self.context["request"].user, values=validated_data)

    def update(self, instance: Cadre, validated_data: dict[str, Any]) -> Cadre:
        return services.cadre_update(cadre=instance, actor=self.context["request"].user, values=validated_data)


class CadrePrivateSerializer(CadreSerializer):
    class Meta(CadreSerializer.Meta):
        fields = [*CadreSerializer.Meta.fields, "id_number", "phone", "address"]


class UnitViewSet(viewsets.ModelViewSet):
    """Units of the organization. Everyone signed in reads; org staff write."""

    serializer_class = UnitSerializer
    permission_classes = [ReadOrOrgStaffWrite]
    queryset = Unit.objects.all()
    filterset_fields = ["category", "parent", "is_active"]
    http_method_names = ["get", "post", "patch", "head", "options"]


class CadreViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Cadre records: org staff all, leaders their units, a cadre their own; org staff write."""

    permission_classes = [ReadOrOrgStaffWrite]
    filterset_class = CadreFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Cadre]:
        return access.cadres_visible_to(self.request.user).order_by("code")

    def get_serializer_class(self) -> type[CadreSerializer]:
        return CadrePrivateSerializer if access.is_org_staff(self.request.user) else CadreSerializer

    @extend_schema(request=None, responses=CadreSerializer)
    @action(detail=True, methods=["post"])
    def deactivate(self, request: Request, pk: str | None = None) -> Response:
        cadre = self.get_object()
        services.cadre_deactivate(cadre=cadre)
        return Response(self.get_serializer(cadre).data)


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField())
    cadre = CadrePrivateSerializer(allow_null=True)


@extend_schema(responses=MeSerializer)
@api_view(["GET"])
def me(request: Request) -> Response:
    """The signed-in user, their roles and their own cadre record."""
    cadre = access.cadre_of(request.user)
    return Response(
        {
            "username": request.user.username,
            "roles": sorted(access.roles_of(request.user)),
            "cadre": CadrePrivateSerializer(cadre).data if cadre else None,
        }
    )
