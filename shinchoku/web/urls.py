"""URLs under ``/<municipality_id>/`` (the municipality id is in every path; scoping makes others 404)."""

from __future__ import annotations

from django.urls import path

from shinchoku.web.views import (
    audit,
    cycle,
    dashboard,
    indicator_edit,
    municipality,
    plan_admin,
    plan_cycle,
    plan_next,
    plan_order,
    plan_structure,
    plan_workbook,
    project_edit,
    projects,
    publish,
    queues,
    report_form,
    review,
    schedule_edit,
    users,
    workbook,
)

app_name = "web"

urlpatterns = [
    path("", municipality.municipality_home, name="municipality"),
    path("plan-workbook/", plan_workbook.plan_workbook_download, name="plan_workbook_download"),
    path("plan-workbook/template/", plan_workbook.plan_workbook_template_download, name="plan_workbook_template"),
    path("plan-workbook/upload/", plan_workbook.plan_workbook_upload, name="plan_workbook_upload"),
    path("audit/", audit.audit_log, name="audit"),
    path("audit/export.csv", audit.audit_export_csv, name="audit_export"),
    # 利用者の管理 and the municipality's settings (DX staff)
    path("users/", users.user_list, name="user_list"),
    path("users/new/", users.user_new, name="user_new"),
    path("users/import/", users.user_import, name="user_import"),
    path("users/<int:user_id>/", users.user_edit, name="user_edit"),
    path("users/<int:user_id>/<slug:action>/", users.user_action, name="user_action"),
    path("settings/", users.municipality_settings, name="municipality_settings"),
    path("<int:fiscal_year>/", dashboard.dashboard_page, name="dashboard"),
    path("<int:fiscal_year>/cycle/", cycle.cycle_page, name="cycle"),
    path("<int:fiscal_year>/cycle/open/", cycle.cycle_open_view, name="cycle_open"),
    path("<int:fiscal_year>/cycle/publish/", publish.publish_page, name="cycle_publish"),
    path("<int:fiscal_year>/cycle/reopen/", cycle.year_reopen_view, name="year_reopen"),
    path("<int:fiscal_year>/cycle/remind/", cycle.cycle_remind_view, name="cycle_remind"),
    path("<int:fiscal_year>/review-queue/", queues.review_queue_page, name="review_queue"),
    path("<int:fiscal_year>/workbook/", workbook.workbook_download, name="workbook_download"),
    path("<int:fiscal_year>/workbook/upload/", workbook.workbook_upload, name="workbook_upload"),
    path("<int:fiscal_year>/hq-workbook/", workbook.hq_workbook_download, name="hq_workbook_download"),
    path("<int:fiscal_year>/projects/", projects.project_list, name="project_list"),
    path("<int:fiscal_year>/projects/<int:project_id>/", projects.project_detail, name="project_detail"),
    path("<int:fiscal_year>/projects/<int:project_id>/report/", report_form.report_edit, name="report_edit"),
    path("<int:fiscal_year>/projects/<int:project_id>/review/", review.report_review, name="report_review"),
    path("<int:fiscal_year>/projects/<int:project_id>/withdraw/", report_form.report_withdraw_view, name="report_withdraw"),
    # 計画の管理 (DX staff edit; HQ and viewers read)
    path("<int:fiscal_year>/plan/", plan_admin.plan_admin, name="plan_admin"),
    path("<int:fiscal_year>/plan/revisions/", plan_admin.revision_create_view, name="revision_create"),
    path("<int:fiscal_year>/plan/departments/", plan_admin.department_create_view, name="department_create"),
    path(
        "<int:fiscal_year>/plan/departments/<int:department_id>/",
        plan_admin.department_update_view,
        name="department_update",
    ),
    path("<int:fiscal_year>/plan/thresholds/", plan_admin.thresholds_edit, name="thresholds"),
    path("<int:fiscal_year>/plan/projects/new/", project_edit.project_new, name="project_new"),
    path("<int:fiscal_year>/plan/projects/<int:project_id>/", project_edit.project_edit, name="project_edit"),
    path(
        "<int:fiscal_year>/plan/projects/<int:project_id>/discontinue/",
        project_edit.project_discontinue_view,
        name="project_discontinue",
    ),
    path(
        "<int:fiscal_year>/plan/projects/<int:project_id>/indicators/new/",
        indicator_edit.indicator_new,
        name="indicator_new",
    ),
    path("<int:fiscal_year>/plan/indicators/<int:indicator_id>/", indicator_edit.indicator_edit, name="indicator_edit"),
    # corrections to a running year (DX staff)
    path("<int:fiscal_year>/cycle/due-date/", plan_cycle.cycle_due_date_view, name="cycle_due_date"),
    path("<int:fiscal_year>/projects/<int:project_id>/reopen/", plan_cycle.report_reopen_view, name="report_reopen"),
    # 計画の管理: 区分, 並び順, スケジュール (DX staff edit; HQ and viewers read the schedule)
    path("<int:fiscal_year>/plan/tags/", plan_order.tag_create_view, name="tag_create"),
    path("<int:fiscal_year>/plan/structure/", plan_structure.plan_structure_page, name="plan_structure"),
    path("<int:fiscal_year>/plan/next/", plan_next.plan_next_page, name="plan_next"),
    path("<int:fiscal_year>/plan/structure/pillars/", plan_structure.pillar_action, name="pillar_create"),
    path("<int:fiscal_year>/plan/structure/pillars/<int:pillar_id>/", plan_structure.pillar_action, name="pillar_action"),
    path("<int:fiscal_year>/plan/structure/policies/<int:policy_id>/", plan_structure.policy_action, name="policy_action"),
    path("<int:fiscal_year>/plan/projects/<int:project_id>/place/", plan_structure.project_place_view, name="project_place"),
    path(
        "<int:fiscal_year>/plan/departments/<int:department_id>/place/", plan_structure.department_move_view,
        name="department_place",
    ),
    path("<int:fiscal_year>/plan/projects/<int:project_id>/move/", plan_order.project_move_view, name="project_move"),
    path(
        "<int:fiscal_year>/plan/projects/<int:project_id>/schedule/",
        schedule_edit.schedule_edit,
        name="schedule_edit",
    ),
]
