"""Importing a report (text or interchange JSON) into a reporting year: a write like any other.

Same rules as the web: the permission check (``by=None`` is the command line acting as the system), the
year's transition table, re-evaluation of what changed, and the audit trail (``import.*``, with the file name
and its SHA-256). One transaction: a refusal at any point leaves the database as it was.

What an import may do depends on the year's state and the file:

    year                 published report (公表)                 draft (案)
    none / imported      import_published: the year is          import: the year is imported (locked
                         published, publication version 1        until opened); reports are drafts
    open                 refused; --replace: replace (the        refused; --replace: replace_draft (only
                         reports approved, next version)          draft/returned reports may change)
    published            unchanged: nothing to do; changed:      refused (a draft never replaces the
                         refused; --replace: the next version     official record)
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django_scopes import scope

from shinchoku import wareki
from shinchoku.cycle.errors import NotPermitted, YearLocked
from shinchoku.cycle.models import AuditEntry
from shinchoku.cycle.services._audit import audit_entry, audit_record
from shinchoku.cycle.services.evaluate import evaluate_reports
from shinchoku.cycle.services.municipality_code import municipality_code_fill
from shinchoku.cycle.services.publication import publication_freeze
from shinchoku.cycle.services.transitions import _apply
from shinchoku.cycle.services.year import year_create, year_lock, year_move
from shinchoku.cycle.workflow import (
    EDITABLE_STATES,
    IMPORT_APPROVE,
    NEW,
    YEAR_IMPORT,
    YEAR_IMPORT_PUBLISHED,
    YEAR_REPLACE,
    YEAR_REPLACE_DRAFT,
    Transition,
)
from shinchoku.interchange.cleaning import document_clean
from shinchoku.interchange.document import Document, document_is_published
from shinchoku.interchange.load import DocumentLoader, LoadResult, validate_document
from shinchoku.permissions import Action, can
from shinchoku.plans.models import ProjectReport, PublicationSource, ReportState, YearState
from shinchoku.tenancy.selectors import municipality_get_or_create


class ImportRefused(YearLocked):
    """The year's state does not allow this import; ``message`` (Japanese, UI) and ``english`` (CLI) say
    what to do, e.g. --replace."""

    def __init__(self, message: str, english: str) -> None:
        super().__init__(message)
        self.english = english


def label_year(label: str) -> str:
    """"令和5（2023）年度" → "2023" for English messages."""
    return label.split("（")[-1].split("）")[0] if "（" in label else label


def _choose(state: str, *, published: bool, replace: bool, label: str) -> Transition | None:
    """The year transition the import applies; None: the year is published and may stay so if unchanged."""
    if state in (NEW, YearState.IMPORTED):
        return YEAR_IMPORT_PUBLISHED if published else YEAR_IMPORT
    if state == YearState.OPEN:
        if not replace:
            raise ImportRefused(
                f"{label}は進行管理中です。取り込むと各部署の入力を上書きするため、差し替える場合だけ --replace を付けてください。",
                f"fiscal year {label_year(label)} is open for reporting; importing would overwrite the departments' "
                "input: pass --replace to replace it",
            )
        return YEAR_REPLACE if published else YEAR_REPLACE_DRAFT
    if not published:
        raise ImportRefused(
            f"{label}は公表済みです。案（下書き）の文書で公表済みの年度を差し替えることはできません。",
            f"fiscal year {label_year(label)} is published; a draft document cannot replace a published year",
        )
    return YEAR_REPLACE if replace else None


def year_import(
    *, document: Document, by: Any, replace: bool = False, source_file: str = "", source_sha256: str = "", kind: str = "json"
) -> LoadResult:
    """Validate ``document`` and load it into its reporting year under the rules above.

    Raises DocumentError (inconsistent document), InputRejected (a text, number or year the input boundary
    refuses, with its JSON path), NotPermitted, ImportRefused; nothing is written then.
    """
    # A shinchoku-report/1 document is upgraded to /2 here, before anything reads it.
    document = validate_document(document)
    # The same rules as every form (shinchoku.inputs); cleaning can make two names equal ("A" and "A "), so a
    # changed document is checked again.
    cleaned = document_clean(document)
    if cleaned != document:
        document = validate_document(cleaned)
    try:
        return _year_import(
            document=document, by=by, replace=replace, source_file=source_file, source_sha256=source_sha256, kind=kind
        )
    except ImportRefused as exc:
        _audit_refusal(document=document, by=by, kind=kind, source_file=source_file, source_sha256=source_sha256,
                       replace=replace, reason=exc.message)
        raise


def _audit_refusal(
    *, document: Document, by: Any, kind: str, source_file: str, source_sha256: str, replace: bool, reason: str
) -> None:
    """A refused import wrote nothing (its transaction was rolled back); the attempt itself is recorded, in
    a transaction of its own, against the year it was aimed at."""
    from shinchoku.plans.models import ReportingYear
    from shinchoku.tenancy.selectors import municipality_get

    municipality = municipality_get(name=document["municipality"])
    if municipality is None:
        return
    with transaction.atomic(), scope(municipality=municipality):
        year = ReportingYear.objects.filter(
            plan__municipality=municipality, plan__name=document["plan"]["name"],
            fiscal_year=document["report"]["fiscal_year"],
        ).first()
        if year is None:
            return
        audit_record(
            municipality=municipality.pk, by=by, action="import.refused", obj=year,
            after={"kind": kind, "file": source_file, "sha256": source_sha256, "replace": replace, "reason": reason},
        )


def _year_import(
    *, document: Document, by: Any, replace: bool, source_file: str, source_sha256: str, kind: str
) -> LoadResult:
    published = document_is_published(document)
    with transaction.atomic():
        municipality = municipality_get_or_create(name=document["municipality"])
        with scope(municipality=municipality):
            if by is not None and not can(by, Action.IMPORT, municipality):
                raise NotPermitted("取り込む権限がありません。")
            # The public key (/p/{code}/): filled from the national list when the name is unique there.
            municipality_code_fill(municipality=municipality, by=by)
            loader = DocumentLoader(municipality, document)
            plan = loader.load_plan()
            fiscal_year = document["report"]["fiscal_year"]
            label = wareki.format_fiscal_year(fiscal_year)
            year = year_lock(plan=plan, fiscal_year=fiscal_year)
            transition = _choose(year.state if year else NEW, published=published, replace=replace, label=label)
            if year is None:
                assert transition is not None
                year = year_create(
                    plan=plan, fiscal_year=fiscal_year, transition=transition, by=by, title=document["report"]["title"]
                )
                created = True
            else:
                created = False
            new_state = ReportState.APPROVED if published else ReportState.DRAFT
            result = loader.load_year(year=year, new_report_state=new_state)
            if not created and not result.changed and (transition is None or transition.target == year.state):
                return result  # the same content again: nothing to do, nothing to record
            if transition is None:
                raise ImportRefused(
                    f"{label}は公表済みで、このファイルは公表内容と異なります。訂正として新しい版を公表する場合だけ --replace を付けてください。",
                    f"fiscal year {fiscal_year} is published and this file differs from it: pass --replace to publish "
                    "it as a new publication version",
                )
            if transition is YEAR_REPLACE_DRAFT:
                locked = [c.report.project.name for c in result.report_changes if c.report.state not in EDITABLE_STATES]
                if locked:
                    raise ImportRefused(
                        "提出済み・承認済みの報告は取込みで上書きできません：" + "、".join(locked[:10])
                        + (f" ほか{len(locked) - 10}件" if len(locked) > 10 else ""),
                        f"{len(locked)} submitted or approved report(s) would be overwritten: " + ", ".join(locked[:10]),
                    )
            reports = list(ProjectReport.objects.filter(reporting_year=year).select_related("project__plan", "reporting_year"))
            if published:
                for report in reports:
                    if report.state != ReportState.APPROVED:
                        _apply(IMPORT_APPROVE, report=report, by=by, municipality_id=municipality.pk,
                               comment=f"取込み：{source_file}")
            changes = evaluate_reports(reports, municipality_id=municipality.pk)
            ProjectReport.objects.bulk_update([r for r in reports if changes.get(r.pk)], ["suggested_grade"])
            _audit(result, by=by, municipality_id=municipality.pk, kind=kind, source_file=source_file,
                   source_sha256=source_sha256, transition=transition)
            if transition is not YEAR_IMPORT and transition is not YEAR_REPLACE_DRAFT:
                result.publication = publication_freeze(
                    year=year, by=by, source=PublicationSource.IMPORT,
                    reason=f"取込み（{source_file}）" if transition is YEAR_REPLACE else "",
                    source_file=source_file, source_sha256=source_sha256,
                )
            if not created:
                year_move(year=year, transition=transition, by=by,
                          after={"file": source_file, "sha256": source_sha256,
                                 **({"version": result.publication.version} if result.publication else {})})
            result.transition = transition.name
            return result


def _audit(
    result: LoadResult, *, by: Any, municipality_id: int, kind: str, source_file: str, source_sha256: str,
    transition: Transition,
) -> None:
    """One row for the file, one per existing report it changed (before/after of the changed fields)."""
    assert result.year is not None
    audit_record(
        municipality=municipality_id, by=by, action="import.file.loaded", obj=result.year,
        after={"kind": kind, "file": source_file, "sha256": source_sha256, "fiscal_year": result.fiscal_year,
               "transition": transition.name, "created": result.created, "updated": result.updated},
    )
    AuditEntry.objects.bulk_create(
        audit_entry(
            municipality=municipality_id, by=by, action="import.report.replaced", obj=change.report,
            project=change.report.project_id, before=change.before,
            after={**change.after, "file": source_file, "sha256": source_sha256},
            object_version=change.report.version,
        )
        for change in result.report_changes
    )
