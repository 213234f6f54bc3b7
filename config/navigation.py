"""The main menu, by role: one list that the base layout renders for every page."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from cadres.access import Role


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    roles: frozenset[Role]
    # Other URL names that count as "inside" this item (for highlighting).
    prefix: str = ""


def item(label: str | Promise, url_name: str, *roles: Role, prefix: str = "") -> NavItem:
    return NavItem(label, url_name, frozenset(roles), prefix)


@dataclass(frozen=True)
class NavSection:
    label: str | Promise
    items: tuple[NavItem, ...]


STAFF = Role.ORG_STAFF
CADRE = Role.CADRE
LEADER = Role.LEADER
DISCIPLINE = Role.DISCIPLINE

MENU: tuple[NavSection, ...] = (
    NavSection(
        _("我的"),
        (item(_("我的档案"), "cadres:my_profile", CADRE),),
    ),
    NavSection(
        _("晒实绩"),
        (
            item(_("工作日志"), "achievements:my_logs", CADRE),
            item(_("单位日志"), "achievements:feed", CADRE),
            item(_("小结与总结"), "achievements:summaries", CADRE, prefix="/achievements/summaries/"),
            item(_("我的实绩"), "achievements:my_records", CADRE, prefix="/achievements/records/"),
            item(_("实绩自评表"), "achievements:assessments", CADRE, STAFF, prefix="/achievements/assessments/"),
            item(_("实绩档案"), "achievements:my_archive", CADRE),
            item(_("缺记与扣分"), "achievements:my_deductions", CADRE),
            item(_("单位缺记概况"), "achievements:unit_overview", LEADER, STAFF),
            item(_("请假/借调登记"), "achievements:leave_list", LEADER, STAFF),
        ),
    ),
    NavSection(
        _("实绩管理"),
        (
            item(_("实绩核实"), "achievements:verification", STAFF),
            item(_("档案批量导出"), "achievements:exports", STAFF, prefix="/achievements/exports/"),
            item(_("工作日历"), "achievements:workdays", STAFF),
            item(_("实绩记录规则"), "achievements:rules_list", STAFF, prefix="/achievements/rules/"),
            item(_("日志提醒"), "achievements:reminders", STAFF),
        ),
    ),
    NavSection(
        _("干部管理"),
        (
            item(_("干部名册"), "cadres:cadre_list", STAFF, prefix="/cadres/"),
            item(_("单位"), "cadres:unit_list", STAFF, prefix="/units/"),
            item(_("花名册导入"), "cadres:roster_import", STAFF, prefix="/roster/"),
            item(_("账号发放"), "cadres:accounts_issue", STAFF),
            item(_("改非提醒"), "cadres:age_alerts", STAFF),
        ),
    ),
    NavSection(
        _("考实绩"),
        (
            item(_("我的测评表"), "evaluations:my_sheets", CADRE, prefix="/evaluations/sheets/"),
            item(_("我的考核结果"), "evaluations:my_results", CADRE, prefix="/evaluations/my/"),
            item(_("考核周期"), "evaluations:period_list", STAFF, prefix="/evaluations/periods/"),
            item(_("评价范围"), "evaluations:scope_list", STAFF, prefix="/evaluations/scopes/"),
            item(_("单位年度考核得分"), "evaluations:unit_scores", STAFF),
            item(_("结果运用"), "evaluations:use_of_results", STAFF),
            item(_("跟进事项"), "evaluations:follow_up_list", STAFF, prefix="/evaluations/follow-ups/"),
            item(_("考核设置"), "evaluations:settings", STAFF),
        ),
    ),
    NavSection(
        _("任前公示"),
        (
            item(_("公示管理"), "publicity:notice_list", STAFF, prefix="/publicity/"),
            item(_("群众反映"), "publicity:feedback_list", STAFF, prefix="/publicity/feedback/"),
            item(_("公示设置"), "publicity:settings", STAFF),
        ),
    ),
    NavSection(
        _("选拔任用"),
        (
            item(_("我的推荐票"), "selection:my_ballots", CADRE, prefix="/selection/my/"),
            item(_("选拔任用工作"), "selection:selection_list", STAFF, prefix="/selection/"),
            item(_("核定职数"), "selection:post_list", STAFF),
            item(_("后备干部库"), "selection:pool", STAFF),
            item(_("班子结构"), "selection:structure", STAFF),
            item(_("任职试用期"), "selection:probation_list", STAFF),
            item(_("干部调整通报"), "selection:briefing_list", STAFF),
            item(_("选拔任用设置"), "selection:settings", STAFF),
            item(_("党风廉政意见"), "selection:discipline_list", Role.DISCIPLINE, prefix="/selection/discipline/"),
        ),
    ),
    NavSection(
        _("监督与奖惩"),
        (
            item(_("举报受理"), "supervision:report_list", STAFF, DISCIPLINE, prefix="/supervision/reports/"),
            item(_("奖惩记录"), "supervision:record_list", STAFF, DISCIPLINE, prefix="/supervision/records/"),
            item(_("限期整改跟进"), "supervision:rectifications", STAFF, DISCIPLINE),
            item(_("监督信息"), "supervision:info_list", STAFF, DISCIPLINE, prefix="/supervision/info/"),
            item(_("领导班子等次"), "supervision:team_grades", STAFF),
            item(_("单位考核反馈"), "supervision:unit_reports", STAFF, LEADER, prefix="/supervision/units/"),
            item(_("监督设置"), "supervision:settings", STAFF),
        ),
    ),
    NavSection(
        _("系统"),
        (
            item(_("审计日志"), "cadres:audit_log", STAFF),
            item(_("组织设置"), "cadres:org_settings", STAFF),
            item(_("通知渠道"), "messaging:defaults", STAFF),
            item(_("通知发送记录"), "messaging:deliveries", STAFF),
            item(_("系统对接"), "integrations:accounts", STAFF, prefix="/integrations/"),
        ),
    ),
)
