"""Clerks and admins record and reverse restructurings."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant(apps, schema_editor):
    app_config = apps.get_app_config("units")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    perms = Permission.objects.filter(
        content_type__app_label="units",
        codename__in=["add_restructuring", "change_restructuring", "view_restructuring"],
    )
    for name in ["clerk", "admin"]:
        Group.objects.get(name=name).permissions.add(*perms)
    view = Permission.objects.filter(content_type__app_label="units", codename="view_restructuring")
    for name in ["official", "supervisor"]:
        Group.objects.get(name=name).permissions.add(*view)


class Migration(migrations.Migration):
    dependencies = [("units", "0003_restructurings")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
