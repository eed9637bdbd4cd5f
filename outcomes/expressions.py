"""Database expressions the audit needs on both SQLite and PostgreSQL."""

from django.db.models import Func, IntegerField


class DaysBetween(Func):
    """Whole days from the date `start` to the date `end` (end − start), in the database."""

    arity = 2
    output_field = IntegerField()

    def __init__(self, end, start, **extra):
        super().__init__(end, start, **extra)

    def as_sql(self, compiler, connection, **extra_context):
        # PostgreSQL: date − date is an integer number of days.
        end, end_params = compiler.compile(self.source_expressions[0])
        start, start_params = compiler.compile(self.source_expressions[1])
        return f"({end} - {start})", (*end_params, *start_params)

    def as_sqlite(self, compiler, connection, **extra_context):
        end, end_params = compiler.compile(self.source_expressions[0])
        start, start_params = compiler.compile(self.source_expressions[1])
        return (
            f"CAST(julianday({end}) - julianday({start}) AS INTEGER)",
            (*end_params, *start_params),
        )
