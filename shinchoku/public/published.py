"""Selectors of the published record: which municipalities, which years, which versions.

The one door through which the portal, the open data and the API read. A year is public once it has a
publication; what is shown is its latest version (a correction after reopening is a new version, and the
earlier ones stay listed). The year's live state does not matter: a year reopened for correction still shows
its last published version until the next one is published.

Anonymous readers have no municipality scope, so these reads lift django-scopes themselves, and filter
on publications instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django_scopes import scopes_disabled

from shinchoku.interchange.document import Document
from shinchoku.plans.models import Publication
from shinchoku.tenancy.models import Municipality


@dataclass(frozen=True)
class PublishedYear:
    fiscal_year: int
    plan_name: str
    versions: tuple[Publication, ...]  # oldest first; never empty

    @property
    def latest(self) -> Publication:
        return self.versions[-1]

    @property
    def earlier(self) -> tuple[Publication, ...]:
        return self.versions[:-1]

    @property
    def document(self) -> Document:
        return self.latest.document  # type: ignore[no-any-return]


def _published() -> Exists:
    return Exists(Publication.objects.filter(reporting_year__plan__municipality=OuterRef("pk")))


def published_municipalities() -> list[Municipality]:
    """Municipalities with a code and at least one published year, by code (one query)."""
    with scopes_disabled():
        return list(Municipality.objects.exclude(code="").filter(_published()).order_by("code"))


def municipality_for_code(code: str) -> Municipality | None:
    """The municipality published under this code, or None (no such code, or nothing published yet)."""
    if not (len(code) == 6 and code.isascii() and code.isdigit()):
        return None
    with scopes_disabled():
        return Municipality.objects.filter(code=code).filter(_published()).first()


def published_years(*, municipality: Municipality) -> list[PublishedYear]:
    """Every published fiscal year of the municipality, newest first, with all its versions (one query).

    Should two plans of one municipality both publish a fiscal year, the later publication wins: the public
    key is the fiscal year, as in the report's own title.
    """
    with scopes_disabled():
        publications = list(
            Publication.objects.filter(reporting_year__plan__municipality=municipality)
            .select_related("reporting_year__plan")
            .order_by("reporting_year__fiscal_year", "published_at", "version")
        )
    by_year: dict[int, list[Publication]] = {}
    plan_of: dict[int, str] = {}
    for publication in publications:
        fiscal_year = publication.reporting_year.fiscal_year
        by_year.setdefault(fiscal_year, []).append(publication)
        plan_of[fiscal_year] = publication.reporting_year.plan.name
    return [
        PublishedYear(fiscal_year=fy, plan_name=plan_of[fy], versions=tuple(by_year[fy]))
        for fy in sorted(by_year, reverse=True)
    ]


def published_year(*, municipality: Municipality, fiscal_year: int) -> PublishedYear | None:
    for year in published_years(municipality=municipality):
        if year.fiscal_year == fiscal_year:
            return year
    return None
