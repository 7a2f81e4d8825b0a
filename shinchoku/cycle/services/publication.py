"""Freezing a publication: what was published, as the one snapshot every format of the year is drawn from.

The snapshot is the year's interchange document (``interchange.export.document_build``), stored with its
SHA-256 over a canonical JSON form. Files are drawn from the snapshot once and stored
(``publication_file``), so a download is always the same bytes, whatever the live data does afterwards.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django_scopes import scope

from shinchoku.cycle.services._audit import _actor, audit_record
from shinchoku.interchange.document import Document
from shinchoku.interchange.export import document_build
from shinchoku.plans.models import Publication, PublicationFile, ReportingYear
from shinchoku.plans.selectors import plan_for_fiscal_year, publication_get
from shinchoku.tenancy.models import Municipality


def canonical_json(document: Document | dict[str, Any]) -> bytes:
    """One byte form per content: sorted keys, no whitespace, UTF-8 (the hash must not depend on formatting)."""
    return json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def content_hash(document: Document | dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(document)).hexdigest()


def snapshot_build(*, year: ReportingYear) -> Document:
    """The year's document as it stands now (inside the municipality scope)."""
    return document_build(municipality=year.plan.municipality, fiscal_year=year.fiscal_year, plan=year.plan)


def publication_freeze(
    *,
    year: ReportingYear,
    by: Any,
    source: str,
    reason: str = "",
    source_file: str = "",
    source_sha256: str = "",
) -> Publication:
    """Store the year's next publication version (the caller holds the transaction, the scope and the
    year's lock, and moves the year to published)."""
    document = snapshot_build(year=year)
    # Built while the year is moving to published: say what it is becoming.
    document["report"]["status"] = "published"
    version = (Publication.objects.filter(reporting_year=year).aggregate(m=Max("version"))["m"] or 0) + 1
    actor = _actor(by)
    publication = Publication.objects.create(
        reporting_year=year,
        version=version,
        document=document,
        content_hash=content_hash(document),
        published_by=actor,
        published_by_name=(actor.get_full_name() or actor.get_username()) if actor is not None else "",
        source=source,
        reason=reason.strip(),
        source_file=source_file[:300],
        source_sha256=source_sha256,
    )
    audit_record(
        municipality=year.plan.municipality_id, by=by, action="year.publication.created", obj=publication,
        after={"fiscal_year": year.fiscal_year, "version": version, "content_hash": publication.content_hash,
               "source": source, **({"file": source_file, "sha256": source_sha256} if source_file else {})},
    )
    return publication


def publication_file(*, publication: Publication, format: str) -> PublicationFile:
    """The publication drawn in ``format``: drawn once from its snapshot, then served as stored.

    Drawing is deterministic (the PDF in ReportLab's invariant mode), so two requests racing to store the
    same file store the same bytes; the loser's insert fails on the unique constraint and it reads the
    winner's row.
    """
    from shinchoku.documents.render import render_document

    stored = PublicationFile.objects.filter(publication=publication, format=format).first()
    if stored is not None:
        return stored
    content, _, _ = render_document(publication.document, format, draft=False)  # type: ignore[arg-type]
    try:
        with transaction.atomic():
            return PublicationFile.objects.create(
                publication=publication, format=format, content=content, sha256=PublicationFile.digest(content),
                size=len(content),
            )
    except IntegrityError:
        return PublicationFile.objects.get(publication=publication, format=format)


class NoSuchVersion(LookupError):
    """The year has no publication of the version asked for."""


@dataclass(frozen=True)
class ReportFile:
    """A drawn report: its bytes, and which version it is (None: the draft, 案, of a year not published)."""

    data: bytes
    content_type: str
    filename: str
    version: int | None

    @property
    def is_draft(self) -> bool:
        return self.version is None


def report_file(*, municipality: Municipality, fiscal_year: int, format: str, version: int | None = None) -> ReportFile:
    """The year's report in ``format``: a published year's latest version (or ``version``) as stored; any
    other year drawn from the live data and marked 案 on every page.

    Raises NoReportData (nothing to report) and NoSuchVersion.
    """
    from shinchoku.documents.model import build_report
    from shinchoku.documents.render import CONTENT_TYPES, render_document, report_document, report_filename

    with scope(municipality=municipality):
        plan = plan_for_fiscal_year(municipality=municipality, fiscal_year=fiscal_year)
        year = ReportingYear.objects.filter(plan=plan, fiscal_year=fiscal_year).first() if plan else None
        publication = None
        if version is not None:
            publication = publication_get(year=year, version=version) if year else None
            if publication is None:
                raise NoSuchVersion(f"fiscal year {fiscal_year} has no publication version {version}")
        elif year is not None and year.is_published:
            publication = publication_get(year=year)
        if publication is not None:
            stored = publication_file(publication=publication, format=format)
            name = report_filename(build_report(publication.document), format)  # type: ignore[arg-type]
            if publication.version > 1:
                name = name.replace(f".{format}", f"_第{publication.version}版.{format}")
            return ReportFile(bytes(stored.content), CONTENT_TYPES[format], name, publication.version)
    document = report_document(municipality=municipality, fiscal_year=fiscal_year)
    data, content_type, filename = render_document(document, format, draft=True)
    return ReportFile(data, content_type, filename.replace(f".{format}", f"（案）.{format}"), None)
