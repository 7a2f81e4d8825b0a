"""The HQ meeting workbook (本部会議資料): one sheet listing every project report of a year with the internal
fields HQ discusses — the department's grade, the rule's suggestion, the final grade, the rationale, what to
check and the state. Read-only: nothing is imported back from it.
"""

from __future__ import annotations

from io import BytesIO

from django_scopes import scope
from openpyxl import Workbook

from shinchoku.cycle.selectors_queues import warnings_by_report
from shinchoku.cycle.workflow import STATE_LABELS
from shinchoku.plans.models import ProjectReport, ReportingYear
from shinchoku.tenancy.models import Municipality
from shinchoku.wareki import format_fiscal_year
from shinchoku.workbooks import layout

HEADER = ["柱", "施策", "個別事業計画", "担当部署", "担当部署の評価", "評価案", "進捗状況（最終）", "評価案と異なる理由", "確認事項", "状態"]
WIDTHS = [18, 24, 32, 18, 10, 10, 12, 40, 36, 12]
HEADER_ROW = 3


def _checks(report: ProjectReport, warnings: list[str]) -> str:
    """What HQ should look at: the plausibility warnings (cycle/plausibility.py), then what is missing."""
    found: list[str] = list(warnings)
    if report.department_grade_id is None:
        found.append("担当部署の評価が未入力")
    if report.suggested_grade_id is None:
        found.append("評価案なし（実績・目標値の不足）")
    if report.grade_id is not None and report.suggested_grade_id not in (None, report.grade_id) and not report.rationale:
        found.append("評価案と異なるが理由が未記入")
    return "、".join(found)


def hq_meeting_export(*, municipality: Municipality, fiscal_year: int) -> bytes:
    """The 本部会議資料 of ``fiscal_year``. Raises LookupError (English) when the year does not exist."""
    with scope(municipality=municipality.pk):
        year = (
            ReportingYear.objects.select_related("plan")
            .filter(plan__municipality=municipality, fiscal_year=fiscal_year)
            .first()
        )
        if year is None:
            raise LookupError(f"{municipality.name} has no reporting year {fiscal_year}")
        reports = list(
            ProjectReport.objects.filter(reporting_year=year)
            .select_related("project__pillar", "project__policy", "department_grade", "suggested_grade", "grade")
            .prefetch_related("project__department_links__department")
            .order_by("project__position", "project__pk")
        )
        warnings = warnings_by_report(reports=reports)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "本部会議資料"
    layout.title(sheet, 1, f"{format_fiscal_year(fiscal_year)} 本部会議資料（{municipality.name}）")
    for column, text in enumerate(HEADER, start=1):
        layout.label(sheet, HEADER_ROW, column, text)
        sheet.column_dimensions[chr(64 + column)].width = WIDTHS[column - 1]
    row = HEADER_ROW
    for row, report in enumerate(reports, start=HEADER_ROW + 1):
        project = report.project
        departments = "、".join(link.department.name for link in project.department_links.all())
        values = [
            project.pillar.name,
            project.policy.name if project.policy else "",
            project.name,
            departments,
            report.department_grade.code if report.department_grade else "",
            report.suggested_grade.code if report.suggested_grade else "",
            report.grade.code if report.grade else "",
            report.rationale,
            _checks(report, warnings[report.pk]),
            STATE_LABELS.get(report.state, report.state),
        ]
        for column, value in enumerate(values, start=1):
            layout.shown(sheet, row, column, value)
    layout.fit_rows(sheet)
    last = chr(64 + len(HEADER))
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{last}{max(row, HEADER_ROW)}"
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()
