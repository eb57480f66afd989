# The default workflow: officers propose, leaders approve, refuse and issue the result (issue 14). An
# installation whose operator already changed these actions keeps its own.

from django.db import migrations

OLD_DECIDERS = ["officer", "leader"]
LEADER_ACTIONS = ("approve", "refuse", "issue_result")


def leaders_decide(apps, schema_editor):
    Workflow = apps.get_model("eservices", "Workflow")
    workflow = Workflow.objects.filter(key="default").first()
    if workflow is None:
        return
    actions = workflow.definition.get("actions", {})
    if not all(actions.get(a, {}).get("roles") == OLD_DECIDERS for a in LEADER_ACTIONS):
        return
    for action in LEADER_ACTIONS:
        actions[action]["roles"] = ["leader"]
    actions.setdefault("propose", {"from": ["in_review"], "to": None, "by": "officer", "roles": ["officer"]})
    workflow.save(update_fields=["definition"])


class Migration(migrations.Migration):
    dependencies = [("eservices", "0005_procedure_guide_applicant_folded")]

    operations = [migrations.RunPython(leaders_decide, migrations.RunPython.noop)]
