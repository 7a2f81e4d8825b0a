"""``/<municipality>/<fiscal year>/``: grades per pillar, completion, KPI charts, projects not graded B."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse

from shinchoku.cycle import selectors
from shinchoku.permissions import Action
from shinchoku.web.charts import Bar, KpiPoint, grade_bars_svg, kpi_svg
from shinchoku.web.views._common import authorize, municipality_or_404, page


@login_required
def dashboard_page(request: HttpRequest, municipality_id: int, fiscal_year: int) -> HttpResponse:
    municipality = municipality_or_404(municipality_id)
    authorize(request, Action.VIEW_DASHBOARD, municipality)
    board = selectors.dashboard(municipality=municipality, fiscal_year=fiscal_year)
    pillars = [
        {
            "grades": pg,
            "chart": grade_bars_svg(
                title=f"{pg.pillar.name}の進捗状況の分布",
                bars=[Bar(g.code, n) for g, n in pg.counts] + ([Bar("未評価", pg.ungraded)] if pg.ungraded else []),
                width=520,
            ),
        }
        for pg in board.grade_distribution
    ]
    kpis = []
    for series in board.kpi_series:
        unit = series.indicator.unit
        points = [
            KpiPoint(
                p.fiscal_year,
                p.target.quantity if p.target else None,
                p.actual.quantity if p.actual else None,
            )
            for p in series.points
        ]
        point_now = next((p for p in series.points if p.fiscal_year == fiscal_year), None)
        kpis.append(
            {
                "series": series,
                "rate": point_now.achievement_rate if point_now else None,
                "chart": kpi_svg(
                    title=f"{series.indicator.name}{f'（{unit}）' if unit else ''}の目標と実績", unit=unit, points=points
                ),
            }
        )
    total = sum(board.completion.values())
    return page(
        request,
        "web/dashboard.html",
        municipality=municipality,
        fiscal_year=fiscal_year,
        section="dashboard",
        board=board,
        pillars=pillars,
        kpis=[k for k in kpis if k["chart"]],
        completion=[(state, selectors.COMPLETION_STATES[state], n) for state, n in board.completion.items()],
        completion_total=total,
        not_started_count=board.completion.get(selectors.NOT_STARTED, 0),
    )
