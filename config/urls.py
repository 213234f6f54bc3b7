from csp.decorators import csp_update
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, register_converter
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from cadres import views as cadre_views
from core.ids import DatabaseIdConverter

# Before the includes below: every app's urls.py writes its ids as <dbid:pk>.
register_converter(DatabaseIdConverter, "dbid")

admin.site.site_header = _("干部实绩考核评价系统 · 系统管理")
admin.site.site_title = _("系统管理")
admin.site.index_title = _("数据管理")


urlpatterns = [
    path("", cadre_views.home, name="home"),
    path("", include("ops.urls")),
    # Early: the public notice index is the busiest page, and every pattern above it is tried first.
    path("notices/", include("publicity.urls_public")),
    path("accounts/login/", cadre_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/signon/", include("cadres.urls_signon")),
    path("accounts/password/", cadre_views.PasswordChangeView.as_view(), name="password_change"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("cadres.urls")),
    path("messaging/", include("messaging.urls")),
    path("achievements/", include("achievements.urls")),
    path("evaluations/", include("evaluations.urls")),
    path("publicity/", include("publicity.urls")),
    path("selection/", include("selection.urls")),
    path("supervision/", include("supervision.urls")),
    path("report/", include("supervision.urls_public")),
    path("integrations/", include("integrations.urls")),
    path("help/", include("manual.urls")),
    path("api/", include("config.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Swagger UI's page carries one inline <style>; scripts stay strictly 'self'.
    path(
        "api/docs/",
        csp_update({"style-src": ["'unsafe-inline'"]})(SpectacularSwaggerSplitView.as_view(url_name="api-schema")),
        name="api-docs",
    ),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
]
