"""One INSERT statement built once per database vendor, for rows written on every submission.

`Model.objects.create()` compiles its SQL on every call: for the narrow, fixed rows a submission writes
(dossier, history event, outbox, audit) the compiling costs more than PostgreSQL spends executing the
statement. A `PreparedInsert` builds the statement once and prepares the values with the model's own
fields (`get_db_prep_save`), so what reaches the database is what `save()` would have sent.

It does not send `pre_save`/`post_save` signals and does not run `full_clean()`: use it only for models
whose writes go through one service that has validated the values already.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import connection, models


class PreparedInsert:
    def __init__(
        self, model: type[models.Model], fields: Iterable[str] | None = None, *, returning: str | None = None
    ) -> None:
        """`fields` are the columns to write; without them, every concrete field but the primary key (so a
        field added to the model later is written too)."""
        self.model = model
        self._names = tuple(fields) if fields is not None else None
        self.returning = returning
        self._fields: list[models.Field] | None = None
        self._sql: dict[str, str] = {}

    def _model_fields(self) -> list[models.Field]:
        if self._fields is None:  # resolved on first use: models are not ready when modules are imported
            if self._names is None:
                self._fields = [f for f in self.model._meta.concrete_fields if not f.primary_key]
            else:
                fields = []
                for name in self._names:
                    field = self.model._meta.get_field(name)
                    assert isinstance(field, models.Field), name
                    fields.append(field)
                self._fields = fields
        return self._fields

    def statement(self) -> str:
        sql = self._sql.get(connection.vendor)
        if sql is None:
            quote = connection.ops.quote_name
            columns = ", ".join(quote(str(field.column)) for field in self._model_fields())
            placeholders = ", ".join(["%s"] * len(self._model_fields()))
            sql = f"INSERT INTO {quote(self.model._meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608
            if self.returning:
                column = self.model._meta.get_field(self.returning).column  # type: ignore[union-attr]
                sql += f" RETURNING {quote(str(column))}"
            self._sql[connection.vendor] = sql
        return sql

    def params(self, values: Mapping[str, Any]) -> list[Any]:
        return [field.get_db_prep_save(values[field.name], connection) for field in self._model_fields()]

    def run(self, values: Mapping[str, Any]) -> Any:
        """Insert one row; answers the `returning` column's value (None without one)."""
        with connection.cursor() as cursor:
            cursor.execute(self.statement(), self.params(values))
            return cursor.fetchone()[0] if self.returning else None

    def save(self, obj: models.Model) -> models.Model:
        """Insert a model instance built in memory (its pk comes back), as `obj.save()` would."""
        values = {field.name: field.pre_save(obj, add=True) for field in self._model_fields()}
        obj.pk = self.run(values)
        obj._state.adding = False
        obj._state.db = connection.alias
        return obj
