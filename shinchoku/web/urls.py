"""URLs under ``/<municipality_id>/`` (the municipality id is in every path; scoping makes others 404)."""

from __future__ import annotations

from django.urls import path

from shinchoku.web.views import audit, cycle, dashboard, municipality, projects, report_form, review

app_name = "web"

urlpatterns = [
    path("", municipality.municipality_home, name="municipality"),
    path("audit/", audit.audit_log, name="audit"),
    path("<int:fiscal_year>/", dashboard.dashboard_page, name="dashboard"),
    path("<int:fiscal_year>/cycle/", cycle.cycle_page, name="cycle"),
    path("<int:fiscal_year>/cycle/open/", cycle.cycle_open_view, name="cycle_open"),
    path("<int:fiscal_year>/cycle/publish/", cycle.cycle_publish_view, name="cycle_publish"),
    path("<int:fiscal_year>/projects/", projects.project_list, name="project_list"),
    path("<int:fiscal_year>/projects/<int:project_id>/", projects.project_detail, name="project_detail"),
    path("<int:fiscal_year>/projects/<int:project_id>/report/", report_form.report_edit, name="report_edit"),
    path("<int:fiscal_year>/projects/<int:project_id>/review/", review.report_review, name="report_review"),
]
