"""A pasted page of text in a search box: a Chinese message naming the limit, the list still there
(services.kernel.text.MAX_SEARCH_LENGTH; every LIKE search goes through like_pattern)."""

from __future__ import annotations

from services.kernel.text import MAX_SEARCH_LENGTH
from tests.pages.apptest_kit import ENT, REGISTERED, errors, infos, no_exception, submit
from tests.pages.enterprise.enterprise_kit import NO_RECORDS, registered_rows


def test_an_overlong_search_is_refused_with_its_limit(login):
    at = login(ENT, REGISTERED)
    at.text_input(key="r_name").input("张" * (MAX_SEARCH_LENGTH + 1))
    submit(at, "registered_filters", "查询").click().run()
    no_exception(at)
    assert any(f"查询条件不能超过 {MAX_SEARCH_LENGTH} 个字" in e for e in errors(at))


def test_a_search_at_the_limit_is_an_ordinary_search(login):
    assert registered_rows().total > 0
    at = login(ENT, REGISTERED)
    at.text_input(key="r_name").input("张" * MAX_SEARCH_LENGTH)
    submit(at, "registered_filters", "查询").click().run()
    no_exception(at)
    assert not errors(at)
    assert NO_RECORDS in infos(at)
