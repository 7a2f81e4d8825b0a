"""Writing an interchange document's rows: the upserts under every import.

``DocumentLoader`` upserts by natural keys (names, fiscal years, revision months), so loading the same
document twice changes nothing and loading next year's document adds that year and keeps earlier ones. It
writes; it does not decide. The import service (``shinchoku.cycle.services.imports``) holds the transaction,
checks the permission and the reporting year's state, creates or moves the year through the transition
table, re-evaluates and audits.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch

from shinchoku import wareki
from shinchoku.interchange.document import (
    Document,
    IndicatorDoc,
    ProjectDoc,
    ResultTableDoc,
    UnderConsiderationDoc,
)
from shinchoku.interchange.validation import DocumentError, validate_document
from shinchoku.plans.models import (
    Direction,
    GradeDefinition,
    Indicator,
    IndicatorValue,
    Pillar,
    Plan,
    PlanRevision,
    Policy,
    PolicyUnderConsideration,
    Project,
    ProjectDepartment,
    ProjectReport,
    ProjectTag,
    ReportingYear,
    ResultTable,
    ScheduleCell,
    ScheduleRow,
    ValueKind,
)
from shinchoku.plans.selectors import values_in_force
from shinchoku.plans.services import ResultRowSpec, result_table_specs, result_tables_replace
from shinchoku.tenancy.models import Department, Municipality
from shinchoku.values import Quantity


@dataclass
class ReportChange:
    """An existing project report the document changes: what its fields were and become."""

    report: ProjectReport
    before: dict[str, Any]
    after: dict[str, Any]


@dataclass
class Renames:
    """Names a document changes, old → new: the stored row of the old name is the one the new name means.

    A workbook keys its rows by the names they had when exported, so a name typed over in a cell renames
    the row instead of adding a second one beside it.
    """

    plan: dict[str, str] = field(default_factory=dict)
    pillars: dict[str, str] = field(default_factory=dict)
    policies: dict[tuple[str, str], str] = field(default_factory=dict)  # (new pillar name, old) → new
    projects: dict[str, str] = field(default_factory=dict)
    indicators: dict[tuple[str, str], str] = field(default_factory=dict)  # (new project name, old) → new

    def __bool__(self) -> bool:
        return any((self.plan, self.pillars, self.policies, self.projects, self.indicators))


@dataclass
class LoadResult:
    municipality: Municipality
    plan: Plan
    fiscal_year: int
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    report_changes: list[ReportChange] = field(default_factory=list)
    year: ReportingYear | None = None
    publication: Any = None  # the Publication frozen by the import, if any
    transition: str = ""  # the year transition applied ("" when nothing changed)

    def count(self, kind: str, *, created: bool) -> None:
        bucket = self.created if created else self.updated
        bucket[kind] = bucket.get(kind, 0) + 1

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


def month_to_date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    year, month = value.split("-")
    return dt.date(int(year), int(month), 1)


def _set_fields(obj: Any, values: dict[str, Any]) -> bool:
    """Assign only what differs, so an unchanged re-import writes nothing."""
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, values[name])
    if changed:
        obj.save(update_fields=changed)
    return bool(changed)


def tag_order(sequences: list[list[str]]) -> list[str]:
    """One order of tags consistent with every project's own order (国重点 before 市重点 when a sheet says so).

    Projects list their tags in the municipality's order; a tag's position is the only place that order can
    live, so it is derived from all sequences at once (topological sort, ties by first appearance).
    """
    first_seen: dict[str, int] = {}
    after: dict[str, set[str]] = {}
    for sequence in sequences:
        for name in sequence:
            first_seen.setdefault(name, len(first_seen))
            after.setdefault(name, set())
        for earlier, later in itertools.pairwise(sequence):
            if earlier != later:
                after[later].add(earlier)
    order: list[str] = []
    pending = sorted(first_seen, key=first_seen.__getitem__)
    while pending:
        ready = [n for n in pending if not (after[n] - set(order))] or pending[:1]  # a cycle: fall back
        order.append(ready[0])
        pending.remove(ready[0])
    return order


def _refusal(exc: ValueError) -> str:
    """The English text of a value or service refusal (``InputRejected.english``, else its message)."""
    english = getattr(exc, "english", "")
    return english if isinstance(english, str) and english else str(exc)


class DocumentLoader:
    """Loads one validated document: ``load_plan`` first (the year hangs from the plan), then ``load_year``.

    Call inside the municipality's scope and a transaction. A value or service that refuses what it is given
    (any ValueError: a Quantity out of range, an input limit) is re-raised as DocumentError at the JSON path
    being loaded (``where``), so the caller's transaction rolls back and the CLI says where.
    """

    def __init__(self, municipality: Municipality, document: Document, *, renames: Renames | None = None) -> None:
        self.municipality = municipality
        self.doc = document
        self.fiscal_year = document["report"]["fiscal_year"]
        self.where = "(document)"
        self.renames = renames or Renames()
        self.year: ReportingYear | None = None

    def load_plan(self) -> Plan:
        self.where = "plan"
        try:
            return self._load_plan()
        except DocumentError:
            raise
        except ValueError as exc:
            raise DocumentError(self.where, _refusal(exc)) from exc

    def _check_no_second_plan(self) -> None:
        """Refuse a new plan that repeats the projects of a plan the municipality already has for those years.

        A plan is found by its name, so a misread name (two cover lines swapped) would otherwise load a second
        copy of every project beside the first.
        """
        plan_doc = self.doc["plan"]
        names = {p["name"] for p in self.doc["projects"]}
        overlapping = Plan.objects.filter(
            municipality=self.municipality,
            start_fiscal_year__lte=plan_doc["end_fiscal_year"],
            end_fiscal_year__gte=plan_doc["start_fiscal_year"],
        ).exclude(name=plan_doc["name"])
        for other in overlapping:
            shared = Project.objects.filter(plan=other, name__in=names).count()
            if shared:
                raise DocumentError(
                    "plan.name",
                    f"the name of a plan of {self.municipality.name}: {other.name!r} (fiscal years "
                    f"{other.start_fiscal_year}-{other.end_fiscal_year}) already holds {shared} of this document's "
                    f"{len(names)} projects, and a second plan {plan_doc['name']!r} with the same projects is refused",
                )

    def _load_plan(self) -> Plan:
        doc = self.doc
        plan_doc = doc["plan"]
        old_name = next((old for old, new in self.renames.plan.items() if new == plan_doc["name"]), None)
        renamed = old_name is not None and self._rename(
            Plan.objects.filter(municipality=self.municipality), old_name, plan_doc["name"], "plan"
        )
        if not Plan.objects.filter(municipality=self.municipality, name=plan_doc["name"]).exists():
            self._check_no_second_plan()
        plan, created = Plan.objects.get_or_create(
            municipality=self.municipality,
            name=plan_doc["name"],
            defaults={
                "start_fiscal_year": plan_doc["start_fiscal_year"],
                "end_fiscal_year": plan_doc["end_fiscal_year"],
                "adopted_on": month_to_date(plan_doc["adopted"]),
            },
        )
        self.result = LoadResult(municipality=self.municipality, plan=plan, fiscal_year=self.fiscal_year)
        if renamed:
            self.result.count("plan", created=False)
        if created:
            self.result.count("plan", created=True)
        elif _set_fields(
            plan,
            {
                "start_fiscal_year": min(plan.start_fiscal_year, plan_doc["start_fiscal_year"]),
                "end_fiscal_year": max(plan.end_fiscal_year, plan_doc["end_fiscal_year"]),
                "adopted_on": month_to_date(plan_doc["adopted"]) or plan.adopted_on,
            },
        ):
            self.result.count("plan", created=False)
        self.plan = plan
        return plan

    def _rename(self, rows: Any, old: str, new: str, kind: str) -> bool:
        """Rename the stored row ``old`` to ``new`` (in ``rows``, a queryset of one parent's rows) before the
        upsert by name; refused when another stored row already has the new name."""
        if old == new:
            return False
        if rows.filter(name=new).exists():
            raise DocumentError(self.where, f"cannot rename {kind} {old!r} to {new!r}: {new!r} already exists")
        renamed = bool(rows.filter(name=old).update(name=new))
        if renamed and hasattr(self, "result"):
            self.result.count(kind, created=False)
        return renamed

    def load_plan_parts(self) -> LoadResult:
        """Everything of the plan that is not a year's (after ``load_plan``): the grade scale, revisions,
        pillars and policies, tags and departments, projects with their schedules and indicators (targets
        and actuals of every year). No reporting year is read or written."""
        try:
            self._load_structure()
            for position, project_doc in enumerate(self.doc["projects"]):
                self.where = f"projects[{position}]"
                self._load_project(position, project_doc)
            return self.result
        except DocumentError:
            raise
        except ValueError as exc:
            raise DocumentError(self.where, _refusal(exc)) from exc

    def load_under_consideration(self, *, year: ReportingYear, items: list[UnderConsiderationDoc]) -> None:
        """The policies under consideration of ``year``, as ``items`` (after ``load_plan_parts``); the
        year's others are removed."""
        self.year, self.fiscal_year = year, year.fiscal_year
        try:
            self._load_under_consideration(items)
        except DocumentError:
            raise
        except ValueError as exc:
            raise DocumentError(self.where, _refusal(exc)) from exc

    def load_year(self, *, year: ReportingYear, new_report_state: str) -> LoadResult:
        """Everything below the plan; new reports start in ``new_report_state`` (the import service's choice)."""
        try:
            return self._load_year(year=year, new_report_state=new_report_state)
        except DocumentError:
            raise
        except ValueError as exc:
            raise DocumentError(self.where, _refusal(exc)) from exc

    def _load_year(self, *, year: ReportingYear, new_report_state: str) -> LoadResult:
        self.year = year
        self.new_report_state = new_report_state
        self.result.year = year
        self._load_structure()
        self._load_year_fields()
        for position, project_doc in enumerate(self.doc["projects"]):
            self.where = f"projects[{position}]"
            self._load_project(position, project_doc)
        self._load_under_consideration(self.doc["under_consideration"])
        return self.result

    def _load_structure(self) -> None:
        self._load_grades()
        self._load_revisions()
        self._load_pillars()
        self._load_tags_and_departments()
        self._preload_projects()

    # -- municipality-wide vocabularies -------------------------------------------------------------------

    def _load_grades(self) -> None:
        marked = [g["code"] for g in self.doc["grade_scale"] if g["as_planned"]]
        if marked:
            # One grade per municipality is 計画どおり (a unique constraint): the old mark goes first, also from
            # a stored grade the document leaves out.
            cleared = GradeDefinition.objects.filter(municipality=self.municipality, as_planned=True).exclude(
                code=marked[0]
            ).update(as_planned=False)
            if cleared:
                self.result.count("grade", created=False)
        existing = {g.code: g for g in GradeDefinition.objects.filter(municipality=self.municipality)}
        self.grades: dict[str, GradeDefinition] = {}
        for position, grade_doc in enumerate(self.doc["grade_scale"]):
            self.where = f"grade_scale[{position}]"
            values = {
                "description": grade_doc["description"],
                "position": position,
                "as_planned": grade_doc["as_planned"],
            }
            grade = existing.get(grade_doc["code"])
            if grade is None:
                grade = GradeDefinition.objects.create(
                    municipality=self.municipality, code=grade_doc["code"], **values
                )
                self.result.count("grade", created=True)
            elif _set_fields(grade, values):
                self.result.count("grade", created=False)
            self.grades[grade.code] = grade

    def _load_tags_and_departments(self) -> None:
        existing_tags = {t.name: t for t in ProjectTag.objects.filter(municipality=self.municipality)}
        sequences = [sorted(existing_tags, key=lambda n: existing_tags[n].position)]
        sequences += [p["tags"] for p in self.doc["projects"]]
        self.tags: dict[str, ProjectTag] = dict(existing_tags)
        self.where = "projects"
        for position, name in enumerate(tag_order(sequences)):
            tag = self.tags.get(name)
            if tag is None:
                self.tags[name] = ProjectTag.objects.create(
                    municipality=self.municipality, name=name, position=position
                )
                self.result.count("tag", created=True)
            elif _set_fields(tag, {"position": position}):
                self.result.count("tag", created=False)
        existing_departments = {d.name: d for d in Department.objects.filter(municipality=self.municipality)}
        self.departments: dict[str, Department] = dict(existing_departments)
        for name in dict.fromkeys(d for p in self.doc["projects"] for d in p["departments"]):
            if name not in self.departments:
                self.departments[name] = Department.objects.create(municipality=self.municipality, name=name)
                self.result.count("department", created=True)

    # -- plan structure ------------------------------------------------------------------------------------

    def _load_revisions(self) -> None:
        existing = {r.revised_on: r for r in PlanRevision.objects.filter(plan=self.plan)}
        self.revisions: dict[str, PlanRevision] = {f"{r.revised_on:%Y-%m}": r for r in existing.values()}
        for i, revision_doc in enumerate(self.doc["plan"]["revisions"]):
            self.where = f"plan.revisions[{i}]"
            revised_on = month_to_date(revision_doc["date"])
            assert revised_on is not None
            revision = existing.get(revised_on)
            if revision is None:
                revision = PlanRevision.objects.create(
                    plan=self.plan, revised_on=revised_on, description=revision_doc["description"]
                )
                self.result.count("revision", created=True)
            elif _set_fields(revision, {"description": revision_doc["description"]}):
                self.result.count("revision", created=False)
            self.revisions[revision_doc["date"]] = revision
        # Targets that differ from the stored ones were set by the newest revision the document knows of.
        self.latest_revision = (
            self.revisions[max(self.revisions)] if self.doc["plan"]["revisions"] and self.revisions else None
        )

    def _load_pillars(self) -> None:
        self.where = "pillars"
        for old, new in self.renames.pillars.items():
            self._rename(Pillar.objects.filter(plan=self.plan), old, new, "pillar")
        for (pillar_name, old), new in self.renames.policies.items():
            self._rename(Policy.objects.filter(pillar__plan=self.plan, pillar__name=pillar_name), old, new, "policy")
        pillars = {p.name: p for p in Pillar.objects.filter(plan=self.plan)}
        policies = {(p.pillar_id, p.name): p for p in Policy.objects.filter(pillar__plan=self.plan)}
        self.pillars: dict[str, Pillar] = {}
        self.policies: dict[tuple[str, str], Policy] = {}
        for position, pillar_doc in enumerate(self.doc["pillars"]):
            self.where = f"pillars[{position}]"
            pillar = pillars.get(pillar_doc["name"])
            if pillar is None:
                pillar = Pillar.objects.create(plan=self.plan, name=pillar_doc["name"], position=position)
                self.result.count("pillar", created=True)
            elif _set_fields(pillar, {"position": position}):
                self.result.count("pillar", created=False)
            self.pillars[pillar.name] = pillar
            for policy_position, policy_name in enumerate(pillar_doc["policies"]):
                policy = policies.get((pillar.pk, policy_name))
                if policy is None:
                    policy = Policy.objects.create(pillar=pillar, name=policy_name, position=policy_position)
                    self.result.count("policy", created=True)
                elif _set_fields(policy, {"position": policy_position}):
                    self.result.count("policy", created=False)
                self.policies[(pillar.name, policy_name)] = policy

    def _load_year_fields(self) -> None:
        report_doc = self.doc["report"]
        self.where = "report"
        values = {
            "title": report_doc["title"],
            "published_on": month_to_date(report_doc["published"]),
            "narrative": report_doc["narrative"],
        }
        if _set_fields(self.year, values):
            self.result.count("reporting_year", created=False)

    # -- projects ------------------------------------------------------------------------------------------

    def _preload_projects(self) -> None:
        """Everything the per-project comparisons read, in a constant number of queries."""
        self.where = "projects"
        for old, new in self.renames.projects.items():
            self._rename(Project.objects.filter(plan=self.plan), old, new, "project")
        for (project_name, old), new in self.renames.indicators.items():
            self._rename(Indicator.objects.filter(project__plan=self.plan, project__name=project_name), old, new,
                         "indicator")
        projects = Project.objects.filter(plan=self.plan).prefetch_related(
            "tags",
            Prefetch("department_links", queryset=ProjectDepartment.objects.order_by("position")),
            Prefetch(
                "schedule_rows", queryset=ScheduleRow.objects.order_by("position").prefetch_related("cells")
            ),
            Prefetch(
                "indicators",
                queryset=Indicator.objects.prefetch_related(
                    Prefetch("values", queryset=IndicatorValue.objects.select_related("revision"))
                ),
            ),
        )
        self.existing_projects = {p.name: p for p in projects}
        self.preloaded = {p.pk for p in self.existing_projects.values()}
        self.preloaded_indicators = {
            i.pk for p in self.existing_projects.values() for i in p.indicators.all()
        }
        reports = (
            ProjectReport.objects.filter(project__plan=self.plan, fiscal_year=self.fiscal_year).prefetch_related(
                Prefetch("result_tables", queryset=ResultTable.objects.prefetch_related("rows"))
            )
            if self.year is not None
            else ProjectReport.objects.none()
        )
        self.existing_reports = {r.project_id: r for r in reports}
        self.preloaded_reports = {r.pk for r in self.existing_reports.values()}

    def _load_project(self, position: int, project_doc: ProjectDoc) -> None:
        pillar = self.pillars[project_doc["pillar"]]
        policy = self.policies[(pillar.name, project_doc["policy"])] if project_doc["policy"] else None
        comprehensive = project_doc["comprehensive_plan"] or {"area": "", "policy": ""}
        values = {
            "pillar": pillar,
            "policy": policy,
            "position": position,
            "overview": project_doc["overview"],
            "vision": project_doc["vision"],
            "comprehensive_plan_area": comprehensive["area"],
            "comprehensive_plan_policy": comprehensive["policy"],
        }
        project = self.existing_projects.get(project_doc["name"])
        if project is None:
            project = Project.objects.create(plan=self.plan, name=project_doc["name"], **values)
            self.result.count("project", created=True)
        elif _set_fields(project, values):
            self.result.count("project", created=False)

        tags = [self.tags[name] for name in project_doc["tags"]]
        current_tags = {t.pk for t in project.tags.all()} if project.pk in self.preloaded else set()
        if current_tags != {t.pk for t in tags}:
            project.tags.set(tags)
            self.result.count("project_tags", created=not current_tags)

        wanted_departments = [self.departments[name].pk for name in project_doc["departments"]]
        current_departments = (
            [link.department_id for link in project.department_links.all()]
            if project.pk in self.preloaded
            else []
        )
        if current_departments != wanted_departments:
            ProjectDepartment.objects.filter(project=project).delete()
            ProjectDepartment.objects.bulk_create(
                ProjectDepartment(project=project, department_id=pk, position=i)
                for i, pk in enumerate(wanted_departments)
            )
            self.result.count("project_departments", created=not current_departments)

        self._load_schedule(project, project_doc)
        existing_indicators = (
            {i.name: i for i in project.indicators.all()} if project.pk in self.preloaded else {}
        )
        where = self.where
        for indicator_position, indicator_doc in enumerate(project_doc["indicators"]):
            self.where = f"{where}.indicators[{indicator_position}]"
            self._load_indicator(project, existing_indicators, indicator_position, indicator_doc)
        self.where = where
        if self.year is not None:
            self._load_project_report(project, project_doc)

    def _load_schedule(self, project: Project, project_doc: ProjectDoc) -> None:
        wanted = [
            (row["track"] or "", sorted((int(fy), text) for fy, text in row["cells"].items()))
            for row in project_doc["schedule"]
        ]
        rows = list(project.schedule_rows.all()) if project.pk in self.preloaded else []
        current = [(r.track, [(c.fiscal_year, c.text) for c in r.cells.all()]) for r in rows]
        if current == wanted:
            return
        ScheduleRow.objects.filter(project=project).delete()
        for position, (track, cells) in enumerate(wanted):
            row = ScheduleRow.objects.create(project=project, position=position, track=track)
            ScheduleCell.objects.bulk_create(
                ScheduleCell(row=row, fiscal_year=fy, text=text) for fy, text in cells
            )
        self.result.count("schedule", created=not rows)

    def _load_indicator(
        self, project: Project, existing: dict[str, Indicator], position: int, indicator_doc: IndicatorDoc
    ) -> None:
        values = {
            "position": position,
            "unit": indicator_doc["unit"],
            "direction": indicator_doc.get("direction", Direction.HIGHER),
            "qualifier": indicator_doc["qualifier"] or "",
            "note": indicator_doc["note"] or "",
        }
        indicator = existing.get(indicator_doc["name"])
        if indicator is None:
            indicator = Indicator.objects.create(project=project, name=indicator_doc["name"], **values)
            self.result.count("indicator", created=True)
        elif _set_fields(indicator, values):
            self.result.count("indicator", created=False)

        # Prefetched for indicators that existed before this load; a new one has no values yet.
        stored = list(indicator.values.all()) if indicator.pk in self.preloaded_indicators else []
        history = indicator_doc.get("target_history", [])
        for item in history:
            revision = self.revisions.get(item["revision"]) if item["revision"] else None
            if not any(
                v.kind == ValueKind.TARGET and v.fiscal_year == item["fiscal_year"] and v.revision == revision
                for v in stored
            ):
                quantity = Quantity.from_plain(item["value"])
                stored.append(
                    IndicatorValue.objects.create(
                        indicator=indicator,
                        kind=ValueKind.TARGET,
                        fiscal_year=item["fiscal_year"],
                        value=quantity.value,
                        decimals=quantity.decimals,
                        revision=revision,
                    )
                )
                self.result.count("indicator_value", created=True)
        for kind, key in ((ValueKind.TARGET, "targets"), (ValueKind.ACTUAL, "actuals")):
            series: dict[str, str] = indicator_doc[key]  # type: ignore[literal-required]
            for fy_text, text in series.items():
                self._load_value(indicator, stored, kind, int(fy_text), Quantity.from_plain(text))

    def _load_value(
        self,
        indicator: Indicator,
        stored: list[IndicatorValue],
        kind: str,
        fiscal_year: int,
        quantity: Quantity,
    ) -> None:
        current = values_in_force(stored).get((indicator.pk, kind, fiscal_year))
        if current is not None and current.quantity == quantity:
            return
        revision = self._revision_covering(fiscal_year) if kind == ValueKind.TARGET else None
        newer_revision = (
            current is not None
            and revision is not None
            and (current.revision is None or current.revision.revised_on < revision.revised_on)
        )
        if current is None or newer_revision:
            created = IndicatorValue.objects.create(
                indicator=indicator,
                kind=kind,
                fiscal_year=fiscal_year,
                value=quantity.value,
                decimals=quantity.decimals,
                revision=None if current is None else revision,
            )
            stored.append(created)
            self.result.count("indicator_value", created=True)
        else:
            _set_fields(current, {"value": quantity.value, "decimals": quantity.decimals})
            self.result.count("indicator_value", created=False)

    def _revision_covering(self, fiscal_year: int) -> PlanRevision | None:
        """The newest revision that may set ``fiscal_year``'s target: one covers the fiscal year it was made in
        and later ones (as the forms require), so an earlier year's target changes as adopted."""
        if self.latest_revision is None:
            return None
        covering = [r for r in self.revisions.values() if wareki.fiscal_year_of(r.revised_on) <= fiscal_year]
        return max(covering, key=lambda r: r.revised_on, default=None)

    def _load_project_report(self, project: Project, project_doc: ProjectDoc) -> None:
        grade = self.grades[project_doc["grade"]] if project_doc["grade"] else None
        values = {
            "grade": grade,
            "results": project_doc["results"],
            "challenges": project_doc["challenges"],
            "next_year": project_doc["next_year"],
            "non_b_summary": project_doc["non_b_summary"],
        }
        report = self.existing_reports.get(project.pk)
        assert self.year is not None  # reports are a year's
        if report is None:
            report = ProjectReport.objects.create(
                reporting_year=self.year, project=project, fiscal_year=self.fiscal_year,
                state=self.new_report_state, **values,
            )
            self.result.count("project_report", created=True)
        else:
            before = {name: _plain(getattr(report, name)) for name in values}
            if _set_fields(report, values):
                after = {name: _plain(getattr(report, name)) for name in values}
                changed = [name for name in values if before[name] != after[name]]
                self.result.report_changes.append(
                    ReportChange(report, {n: before[n] for n in changed}, {n: after[n] for n in changed})
                )
                report.version += 1
                report.save(update_fields=["version"])
                self.result.count("project_report", created=False)
        self._load_result_tables(report, project_doc["result_tables"])

    def _load_result_tables(self, report: ProjectReport, tables: list[ResultTableDoc]) -> None:
        def row_key(row: Any, is_total: bool) -> ResultRowSpec:
            return (row["label"], Quantity.from_plain(row["value"]), row["unit"], is_total)

        wanted = [
            (
                table["after"],
                [row_key(r, False) for r in table["rows"]]
                + ([row_key(table["total"], True)] if "total" in table else []),
            )
            for table in tables
        ]
        stored = list(report.result_tables.all()) if report.pk in self.preloaded_reports else []
        current = result_table_specs(stored)
        if not result_tables_replace(report=report, wanted=wanted, current=current):
            return
        if stored:
            self.result.report_changes.append(
                ReportChange(report, {"result_tables": _plain(current)}, {"result_tables": _plain(wanted)})
            )
        for _ in wanted:
            self.result.count("result_table", created=not stored)

    def _load_under_consideration(self, items: list[UnderConsiderationDoc]) -> None:
        assert self.year is not None  # the policies under consideration are a year's
        existing = {
            (u.pillar_id, u.title): u
            for u in PolicyUnderConsideration.objects.filter(plan=self.plan, fiscal_year=self.fiscal_year)
        }
        kept: set[int] = set()
        for position, item in enumerate(items):
            self.where = f"under_consideration[{position}]"
            pillar = self.pillars[item["pillar"]]
            policy = self.policies[(pillar.name, item["policy"])] if item["policy"] else None
            values = {"policy": policy, "text": item["text"], "position": position}
            uc = existing.get((pillar.pk, item["title"]))
            if uc is None:
                uc = PolicyUnderConsideration.objects.create(
                    reporting_year=self.year, plan=self.plan, fiscal_year=self.fiscal_year, pillar=pillar,
                    title=item["title"], **values
                )
                self.result.count("under_consideration", created=True)
            elif _set_fields(uc, values):
                self.result.count("under_consideration", created=False)
            kept.add(uc.pk)
        stale = [u.pk for u in existing.values() if u.pk not in kept]
        if stale:
            PolicyUnderConsideration.objects.filter(pk__in=stale).delete()
            self.result.count("under_consideration_removed", created=False)


def _plain(value: Any) -> Any:
    """A field value as JSON for the audit trail (grades by code, decimals as text)."""
    if isinstance(value, GradeDefinition):
        return value.code
    if isinstance(value, Quantity):
        return value.plain()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


__all__ = ["DocumentError", "DocumentLoader", "LoadResult", "Renames", "ReportChange", "validate_document"]
