"""What the manual holds: one part per role, each in sections, each section explaining some pages.

A section's first page is the one its screenshot shows (static/manual/<role>-<section>.png, taken by
the browser tests from the demo district). The pages a section lists get a contextual link to it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from cadres.access import Role


@dataclass(frozen=True)
class Section:
    slug: str
    title: str | Promise
    pages: tuple[str, ...]  # URL names this section explains; the first is screenshotted
    shot: bool = True

    def screenshot(self, role: str) -> str | None:
        return f"manual/{role}-{self.slug}.png" if self.shot and self.pages else None


@dataclass(frozen=True)
class RoleManual:
    slug: str
    title: str | Promise
    audience: str | Promise
    role: Role | None  # None: the public, no login
    sections: tuple[Section, ...]

    def shots(self) -> list[tuple[Section, str]]:
        return [(s, shot) for s in self.sections if (shot := s.screenshot(self.slug))]


MANUALS: tuple[RoleManual, ...] = (
    RoleManual(
        "cadre",
        _("干部操作手册"),
        _("每一位干部：写工作日志、登记实绩、参加测评、查看结果"),
        Role.CADRE,
        (
            Section("start", _("登录与首页"), ("home",)),
            Section("logs", _("写工作日志"), ("achievements:my_logs", "achievements:my_deductions")),
            Section("records", _("登记实绩"), ("achievements:my_records", "achievements:record_detail")),
            Section("summaries", _("小结与总结"), ("achievements:summaries",), shot=False),
            Section("sheets", _("参加测评"), ("evaluations:my_sheets", "evaluations:sheet_fill")),
            Section("results", _("查看考核结果与档案"), ("evaluations:my_results", "achievements:my_archive")),
            Section("ballots", _("民主推荐"), ("selection:my_ballots",), shot=False),
        ),
    ),
    RoleManual(
        "leader",
        _("单位主要负责人操作手册"),
        _("单位主要领导和班子成员：掌握本单位记实情况、登记请假、审阅考核反馈"),
        Role.LEADER,
        (
            Section("overview", _("单位缺记概况"), ("achievements:unit_overview", "achievements:cadre_deductions")),
            Section("leave", _("请假与借调登记"), ("achievements:leave_list",)),
            Section("feed", _("单位日志"), ("achievements:feed",), shot=False),
            Section("unit_reports", _("单位考核反馈"), ("supervision:unit_reports", "supervision:unit_report")),
        ),
    ),
    RoleManual(
        "org_staff",
        _("组织部工作人员操作手册"),
        _("组织部（考核办）工作人员：管理干部名册、组织考核、公示与选拔任用"),
        Role.ORG_STAFF,
        (
            Section(
                "roster",
                _("干部名册与花名册导入"),
                ("cadres:cadre_list", "cadres:roster_import", "cadres:cadre_detail"),
            ),
            Section("accounts", _("发放账号"), ("cadres:accounts_issue",), shot=False),
            Section("verification", _("实绩核实"), ("achievements:verification",)),
            Section("periods", _("组织考核周期"), ("evaluations:period_list", "evaluations:period_detail")),
            Section("publicity", _("任前公示"), ("publicity:notice_list", "publicity:notice_detail")),
            Section("feedback", _("处理群众反映"), ("publicity:feedback_list",), shot=False),
            Section("selection", _("选拔任用"), ("selection:selection_list", "selection:selection_detail")),
            Section("supervision", _("监督与奖惩"), ("supervision:record_list",), shot=False),
        ),
    ),
    RoleManual(
        "discipline",
        _("纪检监察操作手册"),
        _("纪委监委工作人员：回复党风廉政意见、受理举报、查看奖惩记录"),
        Role.DISCIPLINE,
        (
            Section("opinions", _("出具党风廉政意见"), ("selection:discipline_list", "selection:discipline_opinion")),
            Section("reports", _("受理举报"), ("supervision:report_list", "supervision:report_detail")),
            Section(
                "records",
                _("奖惩记录与整改跟进"),
                ("supervision:record_list", "supervision:rectifications"),
                shot=False,
            ),
        ),
    ),
    RoleManual(
        "public",
        _("公众使用指南"),
        _("社会公众：查看任前公示、反映意见、查询办理情况、举报"),
        None,
        (
            Section("notices", _("查看任前公示"), ("public:index", "public:archive")),
            Section("feedback", _("反映意见"), ("public:notice_detail", "public:feedback_receipt")),
            Section("lookup", _("查询办理情况"), ("public:feedback_lookup",)),
            Section("report", _("举报"), ("supervision_public:report", "supervision_public:lookup"), shot=False),
            Section("large_text", _("大字版"), (), shot=False),
        ),
    ),
)

BY_SLUG = {manual.slug: manual for manual in MANUALS}
