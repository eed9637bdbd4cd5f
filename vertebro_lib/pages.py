"""A page of a list, counted only when there is more than one page.

Django's `Paginator` counts the rows (one query) before it reads a page (a second). Most
lists fit on their first page: reading one row more than a page holds tells whether there is
a second, so a first page is one query, and a longer list still two (the count and the page,
as before), never three.
"""

from collections.abc import Callable
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet


def page_of(
    queryset: QuerySet[Any],
    per_page: int,
    number: str | int | None,
    *,
    first_rows: Callable[[], list[Any]] | None = None,
) -> Page[Any]:
    """The page `number` of `queryset` (`Paginator.get_page`'s reading of the number: the
    first page for a missing or invalid one, the last for one past the end). `first_rows`,
    when given, reads the first `per_page + 1` rows of `queryset` another way (a read whose
    SQL is written once, vertebro_lib.prepared)."""
    paginator = Paginator(queryset, per_page)
    if number not in (None, "", "1", 1):
        return paginator.get_page(number)
    rows = first_rows() if first_rows is not None else list(queryset[: per_page + 1])
    if len(rows) <= per_page:
        paginator.count = len(rows)  # the whole list is on this page: no count to ask
    return Page(rows[:per_page], 1, paginator)
