"""``/<municipality>/``: the municipality's home — pick the fiscal year to work on."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse

from shinchoku.permissions import Action
from shinchoku.plans.models import Plan, ReportingYear, YearState
from shinchoku.wareki import current_fiscal_year
from shinchoku.web.views._common import authorize, municipality_or_404, page


@login_required
def municipality_home(request: HttpRequest, municipality_id: int) -> HttpResponse:
    municipality = municipality_or_404(municipality_id)
    authorize(request, Action.VIEW_MUNICIPALITY, municipality)
    plans = list(Plan.objects.filter(municipality=municipality).order_by("-start_fiscal_year"))
    published = set(
        ReportingYear.objects.filter(plan__municipality=municipality, state=YearState.PUBLISHED).values_list(
            "fiscal_year", flat=True
        )
    )
    current = current_fiscal_year()
    # The year being evaluated is usually last year (the report on FY2023 is written during FY2024).
    plan_years = [
        {"plan": plan, "years": [{"fiscal_year": fy, "published": fy in published} for fy in reversed(plan.fiscal_years)]}
        for plan in plans
    ]
    return page(
        request,
        "web/municipality.html",
        municipality=municipality,
        section="years",
        plan_years=plan_years,
        current_fiscal_year=current,
        suggested_fiscal_year=current - 1,
    )
