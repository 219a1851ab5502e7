"""Form fields every face of the portal uses."""

from django import forms
from django.core.exceptions import ValidationError

# The range of a 64-bit signed integer: the widest primary key any of our databases holds.
_PK_MIN, _PK_MAX = -(2**63), 2**63 - 1


class BoundedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A ModelMultipleChoiceField that refuses ids no database column can hold.

    Django sends the submitted ids to the database in an ``IN`` list; SQLite raises
    OverflowError (a 500) on an id of 2**63 or more, where the right answer is "not one of
    the choices".
    """

    def _check_values(self, value):
        key = self.to_field_name or "pk"
        for item in value if isinstance(value, (list, tuple, set, frozenset)) else [value]:
            try:
                number = int(str(item))
            except (TypeError, ValueError):
                continue  # not a number: Django's own check says it is invalid
            if key == "pk" and not _PK_MIN <= number <= _PK_MAX:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": item},
                )
        return super()._check_values(value)
