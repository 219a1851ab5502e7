"""Helpers for the tests of database constraints."""

import contextlib
from pathlib import Path

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, transaction


@contextlib.contextmanager
def violates(constraint: str, *, reported_as: str = ""):
    """Expect the database to refuse the write.

    PostgreSQL names the constraint in its message, so there we also check that the refusal
    comes from this constraint (or from ``reported_as``, a check that says the same and is
    tested first) and not from another one (a NOT NULL, a column check).
    """
    with pytest.raises(IntegrityError) as excinfo, transaction.atomic():
        yield
    if connection.vendor == "postgresql":
        assert (reported_as or constraint) in str(excinfo.value)


def untested_constraints(*, app_label: str, test_file: str) -> tuple[list[str], list[str]]:
    """(every constraint name of the app's models, those ``test_file`` never ``violates``)."""
    source = Path(test_file).read_text()
    names = [
        constraint.name
        for model in apps.get_app_config(app_label).get_models()
        for constraint in model._meta.constraints
    ]
    return names, [name for name in names if f'violates("{name}"' not in source]
