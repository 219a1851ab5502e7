"""Database constraints that only PostgreSQL can hold, declared once in ``Meta.constraints``.

Overlaps (two programme items of one mission at once, soon two meetings of one person at
once) are exclusion constraints: PostgreSQL enforces them, SQLite (a laptop's database) has
nothing like them. Declaring them in the model keeps them in the migration state, so that
``makemigrations`` sees them, and this class makes them a no-op elsewhere. Each model with
one also checks the same rule in ``clean()``, with a message that names the other item, on
every database: that is why ``validate()`` adds nothing here.
"""

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Func


def _is_postgres(schema_editor) -> bool:
    return schema_editor.connection.vendor == "postgresql"


class PostgresExclusionConstraint(ExclusionConstraint):
    """An exclusion constraint on PostgreSQL, nothing on other databases."""

    def constraint_sql(self, model, schema_editor):
        return super().constraint_sql(model, schema_editor) if _is_postgres(schema_editor) else None

    def create_sql(self, model, schema_editor):
        return super().create_sql(model, schema_editor) if _is_postgres(schema_editor) else None

    def remove_sql(self, model, schema_editor):
        return super().remove_sql(model, schema_editor) if _is_postgres(schema_editor) else None

    def validate(self, model, instance, exclude=None, using=DEFAULT_DB_ALIAS):
        # The model's clean() says the same with a better message; the database guarantees.
        return


class TsTzRange(Func):
    """``tstzrange(start, end, '[)')``: the half-open span of a meeting or a programme item."""

    function = "TSTZRANGE"
    output_field = DateTimeRangeField()
