# The procedure guide (what the national portal shows) and the applicant's folded name for the inbox search.

from django.db import migrations, models

from precinct.core.text import fold


def fold_applicant_names(apps, schema_editor):
    Dossier = apps.get_model("eservices", "Dossier")
    User = apps.get_model("accounts", "User")
    applicants = Dossier.objects.values_list("applicant_id", flat=True).distinct()
    for user_id, full_name in User.objects.filter(pk__in=applicants).values_list("pk", "full_name").iterator():
        Dossier.objects.filter(applicant_id=user_id).update(applicant_folded=fold(full_name)[:150])


class Migration(migrations.Migration):
    dependencies = [
        ("eservices", "0004_dossier_closed_indexes"),
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="dossier",
            name="applicant_folded",
            field=models.CharField(blank=True, db_default="", default="", max_length=150),
        ),
        migrations.AddField(
            model_name="procedureversion",
            name="guide",
            field=models.JSONField(blank=True, default=dict, verbose_name="procedure guide"),
        ),
        migrations.RunPython(fold_applicant_names, migrations.RunPython.noop),
    ]
