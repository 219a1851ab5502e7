"""Demo data plumbing shared by every app's ``demo.py``: idempotent writes by natural key."""

from __future__ import annotations

from typing import Any

from django.db import models


class DemoWriter:
    """Finds rows by natural key and writes only what differs, counting what it did.

    A second run on the same day changes nothing, not even ``updated_at``.
    """

    def __init__(self) -> None:
        self.created = 0
        self.updated = 0

    def upsert(self, model: type[models.Model], lookup: dict, values: dict) -> Any:
        obj = model._default_manager.filter(**lookup).first()
        if obj is None:
            obj = model(**lookup, **values)
            obj.full_clean()
            obj.save()
            self.created += 1
            return obj
        changed = [name for name, value in values.items() if getattr(obj, name) != value]
        if changed:
            for name in changed:
                setattr(obj, name, values[name])
            obj.full_clean()
            fields = {f.name for f in model._meta.concrete_fields}
            obj.save(update_fields=[*changed, *({"updated_at"} & fields)])
            self.updated += 1
        return obj


def by_key(model: type[models.Model], field: str, keys: set[str]) -> dict[str, Any]:
    """Rows of ``model`` by ``field``; every key must exist (seeded by a data migration)."""
    found = {
        getattr(obj, field): obj for obj in model._default_manager.filter(**{f"{field}__in": keys})
    }
    missing = keys - set(found)
    if missing:
        raise LookupError(
            f"{model._meta.verbose_name_plural} missing: {', '.join(sorted(missing))}. "
            "Run `manage.py migrate` first: a data migration seeds them."
        )
    return found
