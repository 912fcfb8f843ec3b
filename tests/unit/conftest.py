"""Fixtures of the unit tests."""

import pytest

from compress.search import SearchConfig
from compress.search_steps import split_data
from tests.unit.tiny_search import SMALL_CONFIG, tiny_split


@pytest.fixture(scope="module")
def tiny_data():
    """The search's held-out splits of a tiny learnable problem (tiny_search.py)."""
    return split_data(tiny_split(600, 0), tiny_split(200, 1), SearchConfig(**SMALL_CONFIG))
