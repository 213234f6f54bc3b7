from django.urls import path
from rest_framework.routers import DefaultRouter

from achievements import api as achievements_api
from cadres import api as cadres_api
from core.ids import DatabaseIdConverter
from evaluations import api as evaluations_api
from integrations import api as integrations_api
from publicity import api as publicity_api
from selection import api as selection_api


class DatabaseIdRouter(DefaultRouter):
    """Objects are looked up by database id, at most 18 digits like <dbid:pk> on the pages."""

    def get_lookup_regex(self, viewset, lookup_prefix=""):
        return f"(?P<{lookup_prefix}pk>{DatabaseIdConverter.regex})"


router = DatabaseIdRouter()
router.register("units", cadres_api.UnitViewSet, basename="unit")
router.register("cadres", cadres_api.CadreViewSet, basename="cadre")
router.register("daily-logs", achievements_api.DailyLogViewSet, basename="daily-log")
router.register("summaries", achievements_api.SummaryViewSet, basename="summary")
router.register("achievements", achievements_api.AchievementViewSet, basename="achievement")
router.register("evaluations/periods", evaluations_api.PeriodViewSet, basename="evaluation-period")
router.register("evaluations/my-sheets", evaluations_api.MySheetViewSet, basename="evaluation-my-sheet")
router.register("evaluations/my-results", evaluations_api.MyResultViewSet, basename="evaluation-my-result")
router.register("evaluations/annual-results", evaluations_api.AnnualResultViewSet, basename="evaluation-annual-result")
router.register("publicity/notices", publicity_api.NoticeViewSet, basename="publicity-notice")
router.register("publicity/feedback", publicity_api.FeedbackViewSet, basename="publicity-feedback")
router.register("selection/posts", selection_api.PostViewSet, basename="selection-post")
router.register("selection/selections", selection_api.SelectionViewSet, basename="selection-selection")
router.register("selection/reserves", selection_api.ReserveViewSet, basename="selection-reserve")
router.register("selection/my-ballots", selection_api.MyBallotViewSet, basename="selection-my-ballot")
# The HR export (docs/hr-export.md): API tokens with scopes, or org staff signed in.
router.register("hr/cadres", integrations_api.CadreFeed, basename="hr-cadre")
router.register("hr/annual-results", integrations_api.AnnualResultFeed, basename="hr-annual-result")
router.register("hr/rewards-sanctions", integrations_api.RewardSanctionFeed, basename="hr-reward-sanction")
router.register("hr/deletions", integrations_api.DeletionFeed, basename="hr-deletion")

urlpatterns = [
    path("me/", cadres_api.me, name="api-me"),
    *router.urls,
]
