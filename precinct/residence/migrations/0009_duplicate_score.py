"""The duplicate rule's weighted score (ADR 0041): the stored rule loses `prefix_threshold` (the ID-prefix block's
own name threshold) and gains the weights `origin_weight`, `sex_weight` and `slip_weight`, and a threshold still at
the old default (90) moves to the new one (92); the reverse restores `prefix_threshold` (95, its default), drops
the weights and moves a threshold of 92 back to 90. Data only."""

from django.db import migrations

WEIGHTS = {"origin_weight": 5, "sex_weight": 10, "slip_weight": 6}
OLD_THRESHOLD, THRESHOLD = 90, 92


def to_weights(apps, schema_editor):
    QualityRule = apps.get_model("residence", "QualityRule")
    for rule in QualityRule.objects.filter(code="duplicate_person"):
        parameters = {k: v for k, v in rule.parameters.items() if k != "prefix_threshold"}
        rule.parameters = {**parameters, **{k: parameters.get(k, v) for k, v in WEIGHTS.items()}}
        if rule.parameters.get("threshold") == OLD_THRESHOLD:
            rule.parameters["threshold"] = THRESHOLD
        rule.save(update_fields=["parameters"])


def to_prefix_threshold(apps, schema_editor):
    QualityRule = apps.get_model("residence", "QualityRule")
    for rule in QualityRule.objects.filter(code="duplicate_person"):
        parameters = {k: v for k, v in rule.parameters.items() if k not in WEIGHTS}
        rule.parameters = {**parameters, "prefix_threshold": 95}
        if rule.parameters.get("threshold") == THRESHOLD:
            rule.parameters["threshold"] = OLD_THRESHOLD
        rule.save(update_fields=["parameters"])


class Migration(migrations.Migration):
    dependencies = [("residence", "0008_issue_detail_en")]

    operations = [migrations.RunPython(to_weights, to_prefix_threshold)]
