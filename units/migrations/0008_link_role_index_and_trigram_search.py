"""A decision's links by role (pages and counts of bulk decisions), and on
PostgreSQL trigram indexes for the accent-free search (`name_folded LIKE
'%word%'`, `UPPER(code) LIKE …`), which otherwise scans every unit and area."""

from django.db import migrations, models

TRIGRAM_INDEXES = (
    ("unit_name_folded_trgm", "units_unit", "name_folded"),
    ("unit_code_trgm", "units_unit", "UPPER(code::text)"),
    ("area_name_folded_trgm", "units_area", "name_folded"),
)


def trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite (the embedded default) scans; it holds a demo, not the country
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, expression in TRIGRAM_INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (({expression}) gin_trgm_ops)"
        )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _expression in TRIGRAM_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("units", "0007_area_coordinates_and_main_successor"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="restructuringlink",
            index=models.Index(
                fields=["restructuring", "role", "id"], name="link_restructuring_role"
            ),
        ),
        migrations.RunPython(trigram_indexes, drop_trigram_indexes),
    ]
