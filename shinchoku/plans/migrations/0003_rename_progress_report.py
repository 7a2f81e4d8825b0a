from django.db import migrations


class Migration(migrations.Migration):
    """進行管理報告書 (ReportingYear) becomes the reporting year aggregate; its rows and ids stay."""

    dependencies = [
        ('plans', '0002_report_review_fields'),
        ('tenancy', '0001_initial'),
    ]

    operations = [
        migrations.RenameModel('ProgressReport', 'ReportingYear'),
    ]
