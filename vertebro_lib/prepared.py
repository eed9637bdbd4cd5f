"""A read whose SQL is written once per database connection; each run only binds its values.

Building the SQL of a QuerySet (resolving lookups, joins, columns, converters) costs 0.25 to
0.6 ms, often more than running it: every step, review and result page reads its assessment
by primary key, and pays it on every request. A `PreparedRead` compiles its QuerySet once, with
placeholder values, on each database connection, keeps the compiler (its SQL, columns,
converters and related-object populators), and on each run puts the values in the
placeholders' places, runs the SQL on a cursor and builds the model instances as the QuerySet
would have: the same rows, the same instances (`select_related` objects included), the same
one query (a test's `CaptureQueriesContext` sees it).

Each placeholder is the value of one field (a primary key or a foreign key): a run converts
its value as the field converts it for the database (a UUID is a hex string on SQLite),
and the placeholder must be a value that appears nowhere else in the query's parameters.
"""

import weakref
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, Model, QuerySet
from django.db.models.query import get_related_populators
from django.db.models.sql import InsertQuery
from django.db.models.sql.compiler import SQLCompiler

M = TypeVar("M", bound=Model)


class _Compiled:
    """The query compiled on one connection: its SQL, and where each placeholder's value goes."""

    def __init__(self, compiler: SQLCompiler, sql: str, params: Sequence[Any], slots: list[int]):
        self.compiler = compiler
        self.sql = sql
        self.params = list(params)
        self.slots = slots  # for each placeholder, the index of its parameter
        # What `SQLCompiler.results_iter` works out again for every run: each column's
        # converters (JSON, UUID, dates on SQLite...), and where the model's own columns are.
        columns = [selected[0] for selected in compiler.select[0 : compiler.col_count]]
        self.converters = compiler.get_converters(columns)
        klass_info = compiler.klass_info
        assert klass_info is not None
        self.model: type[Model] = klass_info["model"]
        select_fields = klass_info["select_fields"]
        self.start, self.end = select_fields[0], select_fields[-1] + 1
        self.names = [column[0].target.attname for column in compiler.select[self.start : self.end]]


class PreparedRead(Generic[M]):
    """`build(*placeholders)` is the QuerySet (a fixed shape: filters, ordering, columns);
    `fields` the field each placeholder is compared with, in order."""

    def __init__(
        self,
        build: Callable[..., "QuerySet[M]"],
        *,
        placeholders: Sequence[Any],
        fields: Sequence["Field[Any, Any]"],
        using: str = DEFAULT_DB_ALIAS,
    ) -> None:
        if len(placeholders) != len(fields):
            raise ValueError("One field for each placeholder.")
        self._build = build
        self._placeholders = tuple(placeholders)
        self._fields = tuple(fields)
        self._using = using
        self._compiled: weakref.WeakKeyDictionary[BaseDatabaseWrapper, _Compiled] = (
            weakref.WeakKeyDictionary()
        )

    def _for_database(self, values: Sequence[Any], connection: BaseDatabaseWrapper) -> list[Any]:
        return [
            field.get_db_prep_value(value, connection, prepared=False)
            for field, value in zip(self._fields, values, strict=True)
        ]

    def _compile(self, connection: BaseDatabaseWrapper) -> _Compiled:
        queryset = self._build(*self._placeholders)
        compiler = queryset.query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        placeholders = self._for_database(self._placeholders, connection)
        slots = []
        for placeholder in placeholders:
            found = [index for index, param in enumerate(params) if param == placeholder]
            if len(found) != 1:
                raise ValueError(f"The placeholder {placeholder!r} is not one parameter.")
            slots.append(found[0])
        return _Compiled(compiler, sql, params, slots)

    def __call__(self, *values: Any) -> list[M]:
        """The rows of the QuerySet built with `values` in the placeholders' places."""
        connection = connections[self._using]
        compiled = self._compiled.get(connection)
        if compiled is None:
            compiled = self._compiled[connection] = self._compile(connection)
        params = list(compiled.params)
        for slot, value in zip(compiled.slots, self._for_database(values, connection), strict=True):
            params[slot] = value
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        return self._instances(compiled, rows)

    def _instances(self, compiled: _Compiled, rows: list[Any]) -> list[M]:
        """The model instances of `rows`, as Django's ModelIterable builds them."""
        compiler = compiled.compiler
        if compiled.converters:
            rows = list(compiler.apply_converters(rows, compiled.converters))
        # django-stubs describe Django 6's signature (a fetch mode); 5.2 takes these three.
        populators = get_related_populators(compiler.klass_info, compiler.select, self._using)  # type: ignore[call-arg]
        start, end, names, model = compiled.start, compiled.end, compiled.names, compiled.model
        instances = []
        for row in rows:
            instance = model.from_db(self._using, names, row[start:end])
            for populator in populators:
                populator.populate(row, instance)
            instances.append(instance)
        return instances  # type: ignore[return-value]


class _CompiledInsert:
    def __init__(
        self, sql: str, fields: list["Field[Any, Any]"], extra: Sequence[Any], returning: bool
    ):
        self.sql = sql
        self.fields = fields
        self.extra = list(extra)  # the parameters after the row's (RETURNING's, if any)
        self.returning = returning


class PreparedInsert:
    """The INSERT of one row of `model`, its SQL written once per database connection.

    Building an INSERT's SQL costs several times running it on a wide table, and some rows
    are written on every page view or save (who opened a record, an assessment's history).
    A run prepares each value as `Model.save()` does (`pre_save`, then `get_db_prep_save`),
    runs the SQL and sets the new primary key on the instance. No signal is sent: only for
    models that no receiver listens to.
    """

    def __init__(self, model: type[Model], using: str = DEFAULT_DB_ALIAS) -> None:
        self._model = model
        self._using = using
        self._compiled: weakref.WeakKeyDictionary[BaseDatabaseWrapper, _CompiledInsert] = (
            weakref.WeakKeyDictionary()
        )

    def _compile(self, connection: BaseDatabaseWrapper) -> _CompiledInsert:
        meta = self._model._meta
        fields = [f for f in meta.local_concrete_fields if f is not meta.auto_field]
        query = InsertQuery(self._model)
        query.insert_values(fields, [self._model()])
        compiler = query.get_compiler(connection=connection)
        returning = (
            meta.auto_field is not None and connection.features.can_return_columns_from_insert
        )
        if returning:
            compiler.returning_fields = [meta.auto_field]
        [(sql, params)] = compiler.as_sql()
        return _CompiledInsert(sql, fields, params[len(fields) :], returning)

    def __call__(self, instance: Model) -> None:
        """Insert `instance` as a new row."""
        connection = connections[self._using]
        compiled = self._compiled.get(connection)
        if compiled is None:
            compiled = self._compiled[connection] = self._compile(connection)
        params = [
            field.get_db_prep_save(field.pre_save(instance, True), connection=connection)
            for field in compiled.fields
        ]
        meta = self._model._meta
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, [*params, *compiled.extra])
            if compiled.returning:
                new_id = cursor.fetchone()[0]
            elif meta.auto_field is not None:
                column = meta.auto_field.column or meta.auto_field.attname
                new_id = connection.ops.last_insert_id(cursor, meta.db_table, column)
        if meta.auto_field is not None:
            setattr(instance, meta.auto_field.attname, new_id)
        instance._state.adding = False
        instance._state.db = self._using


class InsertedPrepared:
    """A model mixin: a new row is inserted through a `PreparedInsert` (see there: no signal
    is sent); a change to a saved row, or a save with other options, is `Model.save()`'s."""

    _prepared_insert: PreparedInsert | None = None

    def save(self, *args: Any, **kwargs: Any) -> None:
        using = kwargs.pop("using", None)
        force_insert = kwargs.pop("force_insert", False)
        state = self._state  # type: ignore[attr-defined]
        auto = self._meta.auto_field  # type: ignore[attr-defined]
        new_row = state.adding and (auto is None or getattr(self, auto.attname) is None)
        if new_row and not args and not kwargs and using in (None, DEFAULT_DB_ALIAS):
            model = type(self)
            if model.__dict__.get("_prepared_insert") is None:
                model._prepared_insert = PreparedInsert(model)  # type: ignore[arg-type]
            model._prepared_insert(self)  # type: ignore[misc, arg-type]
            return
        super().save(*args, using=using, force_insert=force_insert, **kwargs)  # type: ignore[misc]
