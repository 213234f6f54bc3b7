from django.urls import path
from rest_framework.routers import DefaultRouter

from cadres import api as cadres_api

router = DefaultRouter()
router.register("units", cadres_api.UnitViewSet, basename="unit")
router.register("cadres", cadres_api.CadreViewSet, basename="cadre")

urlpatterns = [
    path("me/", cadres_api.me, name="api-me"),
    *router.urls,
]
