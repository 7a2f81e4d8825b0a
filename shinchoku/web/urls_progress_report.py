"""報告書の編集 (DX staff), mounted under ``<int:municipality_id>/<int:fiscal_year>/document/`` by the root URLconf:

    path("<int:municipality_id>/<int:fiscal_year>/document/", include("shinchoku.web.urls_progress_report")),
"""

from __future__ import annotations

from django.urls import path

from shinchoku.web.views import progress_report

app_name = "progress_report"

urlpatterns = [
    path("", progress_report.progress_report_edit, name="edit"),
    path("under-consideration/", progress_report.under_consideration_new, name="uc_create"),
    path("under-consideration/<int:item_id>/", progress_report.under_consideration_edit, name="uc_edit"),
    path(
        "under-consideration/<int:item_id>/delete/",
        progress_report.under_consideration_delete_view,
        name="uc_delete",
    ),
    path("under-consideration/<int:item_id>/move/", progress_report.under_consideration_move_view, name="uc_move"),
]
