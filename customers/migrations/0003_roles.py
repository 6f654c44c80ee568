"""The three role groups and their permissions."""
from django.contrib.auth.management import create_permissions
from django.db import migrations

REP_PERMISSIONS = [
    "customers.view_customer", "customers.add_customer", "customers.change_customer", "customers.delete_customer",
    "customers.view_contact", "customers.add_contact", "customers.change_contact", "customers.delete_contact",
    "customers.view_interaction", "customers.add_interaction", "customers.change_interaction",
    "customers.delete_interaction",
    "customers.view_relationship", "customers.add_relationship", "customers.change_relationship",
    "customers.delete_relationship",
    "customers.view_tag", "customers.view_team", "customers.view_historicalcustomer",
]
MANAGER_PERMISSIONS = [*REP_PERMISSIONS, "customers.add_tag", "customers.change_tag",
                       "customers.access_team_customers"]
ADMIN_APPS = ["customers", "auth", "axes"]

GROUPS = {"Sales rep": REP_PERMISSIONS, "Sales manager": MANAGER_PERMISSIONS}


def set_up_groups(Group, Permission) -> None:
    """Create the role groups with their permissions, or reset them to these (idempotent)."""

    def lookup(names):
        pairs = [name.split(".") for name in names]
        return [Permission.objects.get(content_type__app_label=app, codename=code) for app, code in pairs]

    for name, permissions in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(lookup(permissions))
    admin_group, _ = Group.objects.get_or_create(name="Administrator")
    admin_group.permissions.set(Permission.objects.filter(content_type__app_label__in=ADMIN_APPS))


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations; create them now so the groups can hold them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    set_up_groups(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


def delete_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[*GROUPS, "Administrator"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0002_customer_name_fulltext"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("axes", "__latest__"),
    ]
    operations = [migrations.RunPython(create_groups, delete_groups)]
