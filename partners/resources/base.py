"""What every resource of the portal shares: safe exports, clear refusals, bulk writes."""

from django.core.exceptions import ValidationError
from django.db import connections
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.html import format_html
from django.utils.translation import gettext as _
from import_export import instance_loaders, resources, widgets

from ..spreadsheets import spreadsheet_safe, spreadsheet_unescape
from .widgets import ChoiceWidget, CountriesWidget, StrictManyToManyWidget


class MissingColumns(ValueError):
    """The file lacks a column the import cannot do without; the message names them."""


class PortalDiff(resources.Diff):
    """The preview's before and after; many-to-many values come from what the import read.

    Rows written in bulk have no many-to-many values in the database yet when the preview
    is built, and reading them row by row was a query per row. Only a preview (a dry run)
    needs the diff: a confirmed import of thousands of rows skips it.
    """

    def __init__(self, resource, instance, new):
        self.resource, self.original, self.new = resource, instance, new
        self.instance = None
        self.left, self.right = [], []

    def compare_with(self, resource, instance):
        self.instance = instance

    def _values(self, instance):
        return [
            self.resource.diff_value(field, instance) for field in self.resource.get_import_fields()
        ]

    def as_html(self):
        """Each cell as it will be, a changed one as its old value struck through.

        Whole values, not a character diff: that took half a millisecond a cell, and wrote
        inline styles the portal's Content Security Policy refuses.
        """
        if not self.resource.is_preview:
            return []
        self.left, self.right = self._values(self.original), self._values(self.instance)
        cells = []
        for before, after in zip(self.left, self.right, strict=True):
            before, after = force_str(before), force_str(after)
            if before == after:
                cells.append(format_html("<span>{}</span>", after))
            elif self.new or not before:
                cells.append(format_html("<ins>{}</ins>", after))
            elif not after:
                cells.append(format_html("<del>{}</del>", before))
            else:
                cells.append(format_html("<del>{}</del> <ins>{}</ins>", before, after))
        return cells


class Snapshot(dict):
    """Values read before the import, which it never changes: copies share them."""

    def __deepcopy__(self, memo):
        return self


class KeyInstanceLoader(instance_loaders.BaseInstanceLoader):
    """Every row the file names that the portal holds, read before the first row.

    For resources matched on one column (companies by tax id): a few queries of a thousand
    keys each instead of one a row, with the many-to-many values the rows are compared with.
    """

    chunk_size = 1000

    def __init__(self, resource, dataset=None):
        super().__init__(resource, dataset)
        [name] = resource.get_import_id_fields()
        self.field = resource.fields[name]
        keys = set()
        if dataset is not None and self.field.column_name in (dataset.headers or []):
            for value in dataset[self.field.column_name]:
                try:
                    keys.add(self.field.widget.clean(value))
                except ValueError:
                    continue  # the row reports its bad key itself
        keys = sorted(key for key in keys if key)
        self.instances = {}
        for start in range(0, len(keys), self.chunk_size):
            lookup = {f"{self.field.attribute}__in": keys[start : start + self.chunk_size]}
            for instance in resource.get_queryset().filter(**lookup).order_by():
                instance._m2m_before = Snapshot()
                self.instances[getattr(instance, self.field.attribute)] = instance
        by_pk = {instance.pk: instance for instance in self.instances.values()}
        # The many-to-many values the rows are compared with, from the link tables: a
        # prefetch builds a queryset for every row, a tenth of a millisecond each.
        for attribute in resource.many_to_many_attributes():
            relation = resource._meta.model._meta.get_field(attribute)
            through = relation.remote_field.through
            source = f"{relation.m2m_field_name()}_id"
            target = f"{relation.m2m_reverse_field_name()}_id"
            related = relation.related_model.objects.in_bulk()
            for instance in by_pk.values():
                instance._m2m_before[attribute] = []
            pks = list(by_pk)
            for start in range(0, len(pks), self.chunk_size):
                links = through.objects.filter(
                    **{f"{source}__in": pks[start : start + self.chunk_size]}
                ).values_list(source, target)
                for instance_pk, related_pk in links:
                    by_pk[instance_pk]._m2m_before[attribute].append(related[related_pk])

    def get_instance(self, row):
        return self.instances.get(self.field.clean(row))


class PortalResource(resources.ModelResource):
    """Bad values become row errors (shown in the preview), never a crash of the import.

    Exported cells go through :func:`~partners.spreadsheets.spreadsheet_safe`, whatever the
    format: what companies typed into the public form never reaches staff's spreadsheets
    as a formula. Imported text is kept as text; the quote an export added is taken off.

    With ``use_bulk`` (companies), rows are written a thousand at a time, many-to-many
    values included, and validating a row asks the database nothing: a 10,000-row file
    took a minute, a query or more per row. The key's uniqueness, which the database can
    no longer tell row by row, is checked on the file (a key given twice is a row error)
    and against the database by the instance loader.
    """

    # A dry run, whose preview shows every row's changes; a confirmed import needs none.
    is_preview = False

    @classmethod
    def expected_columns(cls) -> list[str]:
        """The column names this import reads, as the import page lists them."""
        return [field.column_name for field in cls().get_user_visible_fields()]

    @classmethod
    def get_diff_class(cls):
        return PortalDiff

    def get_import_fields(self):
        # Asked several times a row; the fields do not change during an import.
        if getattr(self, "_import_fields", None) is None:
            self._import_fields = super().get_import_fields()
        return self._import_fields

    def many_to_many_attributes(self) -> list[str]:
        return [
            field.attribute
            for field in self.get_import_fields()
            if isinstance(field.widget, widgets.ManyToManyWidget)
        ]

    def import_data(self, dataset, dry_run=False, *args, **kwargs):
        """A file without the key column is refused whole, with a message that says so.

        Column names are matched whatever their case and surrounding spaces (" Tax_ID ").
        """
        self.is_preview = dry_run
        known = {name.lower(): name for name in self.expected_columns()}
        dataset.headers = [
            known.get(header.strip().lower(), header) if isinstance(header, str) else header
            for header in dataset.headers or []
        ]
        key_columns = [self.fields[name].column_name for name in self.get_import_id_fields()]
        missing = [column for column in key_columns if column not in dataset.headers]
        if missing:
            result = self.get_result_class()()
            result.total_rows = len(dataset)
            result.append_base_error(
                self.get_error_result_class()(
                    MissingColumns(
                        _(
                            "The file has no %(missing)s column, which tells the rows apart. "
                            "Its first line must name the columns: %(columns)s."
                        )
                        % {"missing": ", ".join(missing), "columns": ", ".join(known.values())}
                    )
                )
            )
            return result
        return super().import_data(dataset, dry_run, *args, **kwargs)

    def export_field(self, field, instance, **kwargs):
        return spreadsheet_safe(super().export_field(field, instance, **kwargs))

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self._lines_by_key = {}
        for field in self.fields.values():
            if isinstance(field.widget, StrictManyToManyWidget):
                field.widget.forget()

    def before_import_row(self, row, **kwargs):
        for column, value in row.items():
            if isinstance(value, str):
                row[column] = spreadsheet_unescape(value)
        if self._meta.use_bulk:
            self._refuse_repeated_key(row, kwargs.get("row_number"))

    def _refuse_repeated_key(self, row, line) -> None:
        names = self.get_import_id_fields()
        try:
            key = tuple(self.fields[name].clean(row) for name in names)
        except ValueError:
            return  # a bad key is the row's own error
        if not all(key):
            return
        first = self._lines_by_key.setdefault(key, line)
        if first != line:
            raise ValidationError(
                {
                    self.fields[names[0]].attribute: ValidationError(
                        _("Line %(line)d of the file has the same %(columns)s; give each once.")
                        % {
                            "line": first,
                            "columns": ", ".join(self.fields[name].column_name for name in names),
                        },
                        code="repeated",
                    )
                }
            )

    def get_instance(self, instance_loader, row):
        try:
            return super().get_instance(instance_loader, row)
        except ValueError:
            # The key itself is unreadable: the row is new, and import_instance() reports
            # the bad value against its column.
            return None

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        # Many-to-many values are only written after the row is saved; check them now so
        # that an unknown slug invalidates the row up front instead of failing half-way.
        instance._m2m_imported = {}
        for field in self.get_import_fields():
            if isinstance(field.widget, widgets.ManyToManyWidget) and field.column_name in row:
                try:
                    instance._m2m_imported[field.attribute] = field.clean(row)
                except ValueError as exc:
                    errors[field.attribute] = ValidationError(str(exc), code="invalid")
        if errors:
            raise ValidationError(errors)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        if not self._meta.use_bulk:
            return super().validate_instance(instance, import_validation_errors, validate_unique)
        # No query a row: uniqueness of the key is checked on the file and by the loader,
        # and the check constraints repeat the fields' own validation. Nor the choices
        # again: the widgets took only known values, and listing the world's countries
        # for every row took a millisecond.
        errors = dict(import_validation_errors or {})
        checked = {
            field.attribute
            for field in self.get_import_fields()
            if isinstance(field.widget, ChoiceWidget | CountriesWidget)
        }
        try:
            instance.full_clean(
                exclude={*errors, *checked}, validate_unique=False, validate_constraints=False
            )
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    # --- Many-to-many values, compared and written without a query a row ---

    @staticmethod
    def _m2m_before(instance, attribute: str) -> list:
        if instance is None or instance.pk is None:
            return []
        before = getattr(instance, "_m2m_before", None)
        if before is not None and attribute in before:
            return before[attribute]
        return list(getattr(instance, attribute).all())

    def _m2m_after(self, instance, attribute: str) -> list:
        imported = getattr(instance, "_m2m_imported", None) or {}
        if attribute in imported:
            return imported[attribute]
        return self._m2m_before(instance, attribute)

    def diff_value(self, field, instance):
        if instance is None or not isinstance(field.widget, widgets.ManyToManyWidget):
            return field.export(instance) if instance is not None else ""
        return field.widget.separator.join(
            sorted(
                str(getattr(related, field.widget.field))
                for related in self._m2m_after(instance, field.attribute)
            )
        )

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if not self._meta.skip_unchanged or self._meta.skip_diff or import_validation_errors:
            return False
        for field in self.get_import_fields():
            if isinstance(field.widget, widgets.ManyToManyWidget):
                if field.column_name not in row:
                    continue
                after = sorted(related.pk for related in self._m2m_after(instance, field.attribute))
                before = sorted(
                    related.pk for related in self._m2m_before(original, field.attribute)
                )
                if after != before:
                    return False
            elif field.get_value(instance) != field.get_value(original):
                return False
        return True

    def get_bulk_update_fields(self):
        """The model's columns the file can change, and the time of the change."""
        concrete = {field.name: field for field in self._meta.model._meta.concrete_fields}
        keys = {self.fields[name].attribute for name in self.get_import_id_fields()}
        names = [
            field.attribute
            for field in self.get_import_fields()
            if not field.readonly and field.attribute in concrete and field.attribute not in keys
        ]
        return names + [
            name for name, field in concrete.items() if getattr(field, "auto_now", False)
        ]

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        created = list(self.create_instances)
        super().bulk_create(using_transactions, dry_run, raise_errors, batch_size, result)
        if using_transactions or not dry_run:
            try:
                self._bulk_save_m2m(created, replace=False)
            except Exception as exc:  # as the bulk writes: the import's error, not a 500
                self.handle_import_error(result, exc, raise_errors)

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        updated = list(self.update_instances)
        self.update_instances.clear()
        if not updated or not (using_transactions or not dry_run):
            return
        try:
            self._update_rows(updated)
            self._bulk_save_m2m(updated, replace=True)
        except Exception as exc:
            self.handle_import_error(result, exc, raise_errors)

    def _update_rows(self, instances) -> None:
        """One prepared UPDATE, run for every row (``executemany``).

        Django's ``bulk_update`` builds a CASE expression for every row and column: it took
        two seconds for a thousand companies, most of the import's time.
        """
        model = self._meta.model
        connection = connections[self.get_db_connection_name()]
        columns = [model._meta.get_field(name) for name in self.get_bulk_update_fields()]
        now = timezone.now()
        for column in columns:
            if getattr(column, "auto_now", False):
                for instance in instances:
                    setattr(instance, column.attname, now)
        quote = connection.ops.quote_name
        # Table and column names come from the model, quoted; the values are parameters.
        sql = "UPDATE {} SET {} WHERE {} = %s".format(  # noqa: S608
            quote(model._meta.db_table),
            ", ".join(f"{quote(column.column)} = %s" for column in columns),
            quote(model._meta.pk.column),
        )
        rows = [
            [column.get_db_prep_save(getattr(i, column.attname), connection) for column in columns]
            + [i.pk]
            for i in instances
        ]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql" and connection.Database.__name__ == "psycopg2":
                # psycopg2 sends executemany's statements one at a time; execute_batch sends
                # a few hundred at once, a round trip for a page instead of one a row.
                from psycopg2.extras import execute_batch

                with connection.wrap_database_errors:
                    execute_batch(cursor.cursor, sql, rows, page_size=500)
            else:
                cursor.executemany(sql, rows)

    def _bulk_save_m2m(self, instances, *, replace: bool) -> None:
        """The many-to-many rows of a batch: one delete and one insert a relation."""
        saved = [instance for instance in instances if instance.pk is not None]
        for attribute in self.many_to_many_attributes():
            rows = [i for i in saved if attribute in (getattr(i, "_m2m_imported", None) or {})]
            if not rows:
                continue
            relation = self._meta.model._meta.get_field(attribute)
            through = relation.remote_field.through
            source = f"{relation.m2m_field_name()}_id"
            target = f"{relation.m2m_reverse_field_name()}_id"
            if replace:
                through.objects.filter(**{f"{source}__in": [i.pk for i in rows]}).delete()
            through.objects.bulk_create(
                [
                    through(**{source: instance.pk, target: related.pk})
                    for instance in rows
                    for related in instance._m2m_imported[attribute]
                ],
                batch_size=self._meta.batch_size,
            )
