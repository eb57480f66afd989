from django.db import migrations


def create_default(apps, schema_editor):
    from precinct.eservices.workflow import DEFAULT_DEFINITION

    Workflow = apps.get_model("eservices", "Workflow")
    Workflow.objects.update_or_create(
        key="default", defaults={"name": "Quy trình mặc định", "definition": DEFAULT_DEFINITION}
    )


class Migration(migrations.Migration):
    dependencies = [("eservices", "0001_initial")]
    operations = [migrations.RunPython(create_default, migrations.RunPython.noop)]
