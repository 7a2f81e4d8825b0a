"""Report downloads, mounted under ``<int:municipality_id>/reports/`` by the root URLconf."""

from __future__ import annotations

from django.urls import path

from shinchoku.documents import views

app_name = "documents"

urlpatterns = [
    path("", views.report_index, name="index"),
    path("<int:fiscal_year>/", views.report_downloads, name="report_downloads"),
    path("<int:fiscal_year>/versions/", views.report_versions, name="report_versions"),
    path("<int:fiscal_year>/drafts/<int:draft_id>/", views.draft_status, name="draft_status"),
    path("<int:fiscal_year>/drafts/<int:draft_id>/file", views.draft_file, name="draft_file"),
    path("<int:fiscal_year>/<str:format>", views.report_download, name="report_download"),
]
