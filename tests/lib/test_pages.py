"""vertebro_lib.pages: a first page that holds the whole list costs one query, a longer list
two (as Django's Paginator), and the page says what Paginator's page says."""

import pytest
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator

from vertebro_lib.pages import page_of


@pytest.fixture
def people(db):
    User = get_user_model()
    return lambda count: [User.objects.create(username=f"p{n:02}") for n in range(count)]


def _same(page, expected):
    assert list(page) == list(expected)
    assert page.number == expected.number
    assert page.paginator.count == expected.paginator.count
    assert page.paginator.num_pages == expected.paginator.num_pages
    assert page.has_other_pages() is expected.has_other_pages()
    assert page.has_next() is expected.has_next()


@pytest.mark.parametrize("count", [0, 1, 5, 6, 13])
@pytest.mark.parametrize("number", [None, "", "1", "2", "3", "99", "x"])
def test_every_page_is_django_s_page(people, count, number):
    people(count)
    queryset = get_user_model().objects.order_by("username")
    _same(page_of(queryset, 5, number), Paginator(queryset, 5).get_page(number))


@pytest.mark.parametrize("count, queries", [(0, 1), (4, 1), (5, 1), (6, 2), (12, 2)])
def test_a_first_page_holding_the_whole_list_is_one_query(
    people, django_assert_num_queries, count, queries
):
    people(count)
    queryset = get_user_model().objects.order_by("username")
    with django_assert_num_queries(queries):
        page = page_of(queryset, 5, None)
        assert len(page) == min(count, 5)
        assert page.paginator.num_pages == max(1, -(-count // 5))


@pytest.mark.parametrize("count", [0, 5, 6, 13])
@pytest.mark.parametrize("number", [None, "1", "2", "x"])
def test_a_first_page_read_another_way_is_the_same_page(people, count, number):
    people(count)
    queryset = get_user_model().objects.order_by("username")
    reads = []

    def first_rows():
        reads.append(1)
        return list(get_user_model().objects.order_by("username")[:6])

    page = page_of(queryset, 5, number, first_rows=first_rows)
    _same(page, Paginator(queryset, 5).get_page(number))
    # Only the first page is read that way (an invalid number is the first page, as Django's).
    assert len(reads) == (1 if number in (None, "1") else 0)
