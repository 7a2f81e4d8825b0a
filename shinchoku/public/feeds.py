"""The Atom feed of one municipality's publications (every version of every published year)."""

from __future__ import annotations

from datetime import datetime

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest
from django.utils.feedgenerator import Atom1Feed

from shinchoku.plans.models import Publication
from shinchoku.public.opendata import attribution
from shinchoku.public.published import municipality_for_code, published_years
from shinchoku.tenancy.models import Municipality
from shinchoku.wareki import format_date


class PublicationsFeed(Feed):  # type: ignore[type-arg]
    feed_type = Atom1Feed
    _code = ""

    def get_object(self, request: HttpRequest, code: str) -> Municipality:  # type: ignore[override]
        municipality = municipality_for_code(code)
        if municipality is None:
            raise Http404
        self._code = municipality.code  # item links need it; the publications are not joined to it
        return municipality

    def title(self, obj: Municipality) -> str:
        return f"{obj.name} DX推進計画 進捗状況の公表"

    def link(self, obj: Municipality) -> str:
        return f"/p/{obj.code}/"

    def subtitle(self, obj: Municipality) -> str:
        return attribution(obj)

    def items(self, obj: Municipality) -> list[Publication]:
        versions = [v for year in published_years(municipality=obj) for v in year.versions]
        return sorted(versions, key=lambda p: p.published_at, reverse=True)

    def item_title(self, item: Publication) -> str:
        return f"{item.document['report']['title']} 第{item.version}版"

    def item_description(self, item: Publication) -> str:
        return f"{format_date(item.published_at.date())}に公表（第{item.version}版）"

    def item_link(self, item: Publication) -> str:
        return f"/p/{self._code}/{item.reporting_year.fiscal_year}/#v{item.version}"

    def item_guid(self, item: Publication) -> str:
        return f"tag:shinchoku,publication:{item.content_hash}:{item.version}"

    def item_updateddate(self, item: Publication) -> datetime:
        return item.published_at

    def item_pubdate(self, item: Publication) -> datetime:
        return item.published_at
