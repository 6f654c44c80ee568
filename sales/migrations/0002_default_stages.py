from django.db import migrations


def stages_create(apps, schema_editor):
    from sales.stages import DEFAULT_STAGES

    Stage = apps.get_model("sales", "Stage")
    for code, name, position, probability, outcome in DEFAULT_STAGES:
        Stage.objects.get_or_create(
            code=code, defaults={"name": name, "position": position, "probability": probability, "outcome": outcome}
        )


def stages_remove(apps, schema_editor):
    from sales.stages import DEFAULT_STAGES

    apps.get_model("sales", "Stage").objects.filter(code__in=[s[0] for s in DEFAULT_STAGES]).delete()


class Migration(migrations.Migration):
    dependencies = [("sales", "0001_initial")]

    operations = [migrations.RunPython(stages_create, stages_remove)]
