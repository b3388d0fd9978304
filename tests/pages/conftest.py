"""Fixtures of the page tests: clean Streamlit caches and `login`. The demo database comes from
tests/conftest.py (SQLite and PostgreSQL). Helpers to read the page live in apptest_kit.py."""

from __future__ import annotations

import pytest
import streamlit as st
from streamlit.testing.v1.util import patch_config_options

from tests.pages.apptest_kit import ENT, new_app, open_page, seed_login


@pytest.fixture(autouse=True)
def _clear_streamlit_caches():
    st.cache_data.clear()
    st.cache_resource.clear()
    yield


@pytest.fixture(autouse=True)
def _error_details_for_developers():
    """Pages run as in development (client.showErrorDetails = "full"): an unexpected error shows
    Streamlit's own box next to the app's Chinese message (ui.errors), so at.exception still catches
    a bug. The shipped config says "none"; tests/pages/common/test_error_boundary.py runs that."""
    with patch_config_options({"client.showErrorDetails": "full"}):
        yield


@pytest.fixture
def login(demo_db):
    """login('demo-enterprise', REPORT, id='3') -> an AppTest that has run on that page."""

    def _login(username: str = ENT, page: str | None = None, **query):
        at = seed_login(new_app(), username).run()
        assert not at.exception, at.exception
        if page:
            open_page(at, page, **query)
        return at

    return _login
