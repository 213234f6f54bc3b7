import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from .models import Cadre, RankLevel, Unit, UnitCategory, UnitRole, normalize_cadre_name


class CadreFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("姓名或编号"), method="filter_q")
    unit = django_filters.ModelChoiceFilter(label=_("单位"), queryset=Unit.objects.all(), empty_label=_("全部"))
    category = django_filters.ChoiceFilter(
        label=_("单位类别"), field_name="unit__category", choices=UnitCategory.choices
    )
    rank = django_filters.ModelChoiceFilter(label=_("职级"), queryset=RankLevel.objects.all(), empty_label=_("全部"))
    role = django_filters.ChoiceFilter(label=_("班子角色"), choices=UnitRole.choices)
    is_active = django_filters.TypedChoiceFilter(
        label=_("在职状态"),
        choices=[("1", _("在职")), ("0", _("离任"))],
        coerce=lambda value: value == "1",
    )

    class Meta:
        model = Cadre
        fields = ["q", "unit", "category", "rank", "role", "is_active"]

    def filter_q(self, queryset: QuerySet[Cadre], name: str, value: str) -> QuerySet[Cadre]:
        value = value.strip()
        if not value:
            return queryset
        # Names are stored without inner spaces, so 张 伟 typed in the box finds 张伟.
        return queryset.filter(Q(name__contains=normalize_cadre_name(value)) | Q(code__istartswith=value))
