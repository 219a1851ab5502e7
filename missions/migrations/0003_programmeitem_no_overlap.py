"""Programme items of one mission never overlap: every delegate attends every item.

On PostgreSQL this is an exclusion constraint over (mission, [starts_at, ends_at)); SQLite
has no such constraint, and ``ProgrammeItem.clean`` gives the same rule with a friendly
message on every database.
"""

from django.db import migrations

CONSTRAINT = "programmeitem_no_overlap_per_mission"


def add_constraint(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    schema_editor.execute(
        f"ALTER TABLE missions_programmeitem ADD CONSTRAINT {CONSTRAINT} "
        "EXCLUDE USING gist (mission_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&)"
    )


def drop_constraint(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"ALTER TABLE missions_programmeitem DROP CONSTRAINT IF EXISTS {CONSTRAINT}"
    )


class Migration(migrations.Migration):
    dependencies = [("missions", "0002_initial")]

    operations = [migrations.RunPython(add_constraint, drop_constraint, elidable=False)]
