from __future__ import annotations

from django.urls import URLPattern, path

from shinchoku.public import portal

app_name = "public"
urlpatterns: list[URLPattern] = [
    path("", portal.portal_index, name="index"),
    path("<str:code>/", portal.portal_municipality, name="municipality"),
    path("<str:code>/<int:fiscal_year>/", portal.portal_year, name="year"),
    path("<str:code>/<int:fiscal_year>/report.pdf", portal.portal_pdf, name="year_pdf"),
    path("<str:code>/<int:fiscal_year>/projects/<slug:key>/", portal.portal_project, name="project"),
]
