"""Create the role groups with their model permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLE_PERMISSIONS = {
    "official": ["view_area", "view_unit", "view_arealineage"],
    "clerk": ["view_area", "view_unit", "view_arealineage", "change_unit"],
    "supervisor": ["view_area", "view_unit", "view_arealineage"],
    "admin": [
        "view_area", "add_area", "change_area", "view_unit", "add_unit", "change_unit",
        "view_arealineage", "add_arealineage", "change_arealineage", "view_auditentry",
        "view_user", "add_user", "change_user",
    ],
}


def create_roles(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(
            Permission.objects.filter(content_type__app_label="units", codename__in=codenames)
        )


class Migration(migrations.Migration):
    dependencies = [("units", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
