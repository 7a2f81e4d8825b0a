from django.db import migrations


def freeze_published_years(apps, schema_editor):
    """Years published before publications existed get their version 1 now, from the data as it is.

    This reads with the application's own document builder (the historical models cannot build a document),
    which is safe while this is the latest migration of these models; squash it away before it is not.
    Fresh databases have no published years, so nothing here runs for them.
    """
    ReportingYear = apps.get_model('plans', 'ReportingYear')
    Publication = apps.get_model('plans', 'Publication')
    pending = [
        y.pk for y in ReportingYear.objects.filter(state='published')
        if not Publication.objects.filter(reporting_year_id=y.pk).exists()
    ]
    if not pending:
        return
    from django_scopes import scopes_disabled

    from shinchoku.cycle.services.publication import content_hash
    from shinchoku.interchange.export import document_build
    from shinchoku.plans.models import ReportingYear as LiveYear

    with scopes_disabled():
        for year in LiveYear.objects.filter(pk__in=pending).select_related('plan__municipality'):
            document = document_build(municipality=year.plan.municipality, fiscal_year=year.fiscal_year, plan=year.plan)
            document['report']['status'] = 'published'
            Publication.objects.create(
                reporting_year_id=year.pk, version=1, document=document, content_hash=content_hash(document),
                source='import' if year.opened_at is None else 'cycle',
                reason='移行時に保存した版（公表時点ではなく、移行時点の登録内容）',
            )


class Migration(migrations.Migration):

    dependencies = [
        ('plans', '0005_reporting_year_required'),
    ]

    operations = [
        migrations.RunPython(freeze_published_years, migrations.RunPython.noop),
    ]
