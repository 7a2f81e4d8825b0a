"""``/<municipality>/``: the municipality's home — the signed-in person's work queues, then the fiscal years.

The queues (``cycle.selectors_queues``) are those of the open year being reported on, per role the person
holds: a department editor's own reports (差戻し first), HQ's review queue, DX staff's completion.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse

from shinchoku.cycle import selectors, selectors_queues
from shinchoku.permissions import Action, can, grants_in
from shinchoku.plans.models import Plan, ReportingYear, YearState
from shinchoku.tenancy.models import Municipality, Role
from shinchoku.wareki import current_fiscal_year
from shinchoku.web.views._common import authorize, municipality_or_404, page


def work_queues(request: HttpRequest, municipality: Municipality) -> list[dict[str, Any]]:
    """One entry per open year: the queues of the roles the user holds (empty when no year is open)."""
    roles = {grant.role for grant in grants_in(request.user, municipality.pk)}
    entries = []
    for year in selectors.open_years(municipality=municipality):
        entry: dict[str, Any] = {"year": year}
        if Role.DEPARTMENT_EDITOR in roles:
            entry["department"] = selectors_queues.department_queue(user=request.user, year=year)
        if Role.HQ_REVIEWER in roles:
            review = selectors_queues.review_queue(year=year)
            entry["review"] = review
            entry["review_flagged"] = sum(1 for row in review if row.warnings)
            entry["review_divergent"] = sum(1 for row in review if row.divergent)
        if Role.DX_STAFF in roles:
            entry["completion"] = selectors.cycle_completion(year=year)
        entries.append(entry)
    return entries


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
        queues=work_queues(request, municipality),
        can_edit_plan=can(request.user, Action.EDIT_PLAN, municipality),
        current_fiscal_year=current,
        suggested_fiscal_year=current - 1,
    )
