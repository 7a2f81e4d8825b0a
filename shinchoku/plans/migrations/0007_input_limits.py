"""Database checks backing the input boundary (shinchoku.inputs): fiscal years 1989..2100, plan periods in order,
values within DecimalField(20, 6) on SQLite too, decimals 0..6, known codes, version >= 1, and one as-planned
grade per municipality.

Existing rows already satisfy them (every write went through the services, which refuse more). The one rule an
older database could break is the as-planned grade, settable twice in the admin: the grade first in the scale
keeps the mark, as the evaluation already read it (``GradeScale`` takes the first).
"""

from decimal import Decimal

from django.conf import settings
from django.db import migrations, models


def keep_one_as_planned(apps, schema_editor):
    grade = apps.get_model("plans", "GradeDefinition")
    seen = set()
    for row in grade._base_manager.filter(as_planned=True).order_by("municipality_id", "position", "pk"):
        if row.municipality_id in seen:
            grade._base_manager.filter(pk=row.pk).update(as_planned=False)
        seen.add(row.municipality_id)


class Migration(migrations.Migration):

    dependencies = [
        ('plans', '0006_publications_of_published_years'),
        ('tenancy', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(keep_one_as_planned, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='gradedefinition',
            constraint=models.UniqueConstraint(condition=models.Q(('as_planned', True)), fields=('municipality',), name='grade_one_as_planned'),
        ),
        migrations.AddConstraint(
            model_name='indicator',
            constraint=models.CheckConstraint(condition=models.Q(('direction__in', ['higher', 'lower'])), name='indicator_direction_known'),
        ),
        migrations.AddConstraint(
            model_name='indicatorvalue',
            constraint=models.CheckConstraint(condition=models.Q(('kind__in', ['target', 'actual'])), name='indicator_value_kind_known'),
        ),
        migrations.AddConstraint(
            model_name='indicatorvalue',
            constraint=models.CheckConstraint(condition=models.Q(('fiscal_year__gte', 1989), ('fiscal_year__lte', 2100)), name='indicator_value_year_in_range'),
        ),
        migrations.AddConstraint(
            model_name='indicatorvalue',
            constraint=models.CheckConstraint(condition=models.Q(('value__gt', Decimal('-100000000000000')), ('value__lt', Decimal('100000000000000'))), name='indicator_value_in_range'),
        ),
        migrations.AddConstraint(
            model_name='indicatorvalue',
            constraint=models.CheckConstraint(condition=models.Q(('decimals__lte', 6)), name='indicator_value_decimals_range'),
        ),
        migrations.AddConstraint(
            model_name='plan',
            constraint=models.CheckConstraint(condition=models.Q(('start_fiscal_year__gte', 1989), ('start_fiscal_year__lte', 2100), ('end_fiscal_year__gte', 1989), ('end_fiscal_year__lte', 2100), ('start_fiscal_year__lte', models.F('end_fiscal_year'))), name='plan_period_valid'),
        ),
        migrations.AddConstraint(
            model_name='policyunderconsideration',
            constraint=models.CheckConstraint(condition=models.Q(('fiscal_year__gte', 1989), ('fiscal_year__lte', 2100)), name='uc_year_in_range'),
        ),
        migrations.AddConstraint(
            model_name='project',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('first_fiscal_year__isnull', True), models.Q(('first_fiscal_year__gte', 1989), ('first_fiscal_year__lte', 2100)), _connector='OR'), models.Q(('last_fiscal_year__isnull', True), models.Q(('last_fiscal_year__gte', 1989), ('last_fiscal_year__lte', 2100)), _connector='OR')), name='project_years_in_range'),
        ),
        migrations.AddConstraint(
            model_name='project',
            constraint=models.CheckConstraint(condition=models.Q(('end_reason__in', ['', 'discontinued', 'completed'])), name='project_end_reason_known'),
        ),
        migrations.AddConstraint(
            model_name='projectreport',
            constraint=models.CheckConstraint(condition=models.Q(('fiscal_year__gte', 1989), ('fiscal_year__lte', 2100)), name='project_report_year_in_range'),
        ),
        migrations.AddConstraint(
            model_name='projectreport',
            constraint=models.CheckConstraint(condition=models.Q(('version__gte', 1)), name='project_report_version_positive'),
        ),
        migrations.AddConstraint(
            model_name='projectreport',
            constraint=models.CheckConstraint(condition=models.Q(('schedule_status__in', ['', 'ahead', 'on_schedule', 'behind', 'reconsider'])), name='project_report_schedule_status_known'),
        ),
        migrations.AddConstraint(
            model_name='publication',
            constraint=models.CheckConstraint(condition=models.Q(('source__in', ['cycle', 'import'])), name='publication_source_known'),
        ),
        migrations.AddConstraint(
            model_name='reportingyear',
            constraint=models.CheckConstraint(condition=models.Q(('fiscal_year__gte', 1989), ('fiscal_year__lte', 2100)), name='reporting_year_in_range'),
        ),
        migrations.AddConstraint(
            model_name='resulttable',
            constraint=models.CheckConstraint(condition=models.Q(('after_item__gte', -1)), name='result_table_after_valid'),
        ),
        migrations.AddConstraint(
            model_name='resulttablerow',
            constraint=models.CheckConstraint(condition=models.Q(('value__gt', Decimal('-100000000000000')), ('value__lt', Decimal('100000000000000'))), name='result_row_value_in_range'),
        ),
        migrations.AddConstraint(
            model_name='resulttablerow',
            constraint=models.CheckConstraint(condition=models.Q(('decimals__lte', 6)), name='result_row_decimals_range'),
        ),
        migrations.AddConstraint(
            model_name='schedulecell',
            constraint=models.CheckConstraint(condition=models.Q(('fiscal_year__gte', 1989), ('fiscal_year__lte', 2100)), name='schedule_cell_year_in_range'),
        ),
    ]
