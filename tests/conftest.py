"""Shared fixtures and Hypothesis profiles.

Profiles: ``dev`` (fast, the default), ``ci`` (derandomized, more examples; `make test`
selects it through HYPOTHESIS_PROFILE) and ``deep`` (many examples, for a long local run).
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("dev", max_examples=60, deadline=None)
settings.register_profile(
    "ci", max_examples=200, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("deep", max_examples=5000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture(scope="session")
def fashion_test():
    from compress.data import load_fashion_mnist

    return load_fashion_mnist("test")
