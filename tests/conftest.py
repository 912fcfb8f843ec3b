"""Shared fixtures and Hypothesis profiles.

Profiles: ``dev`` (fast, the default), ``ci`` (derandomized, more examples; `make test`
selects it through HYPOTHESIS_PROFILE) and ``deep`` (many examples, for a long local run).
"""

from __future__ import annotations

import os

# Jitted kernels run with bounds checking in the tests (an out-of-range index raises
# IndexError instead of reading garbage); set before anything imports numba.
os.environ.setdefault("NUMBA_BOUNDSCHECK", "1")

import pytest  # noqa: E402
from hypothesis import HealthCheck, settings  # noqa: E402

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


@pytest.fixture
def one_torch_thread():
    """One torch thread (``pytestmark = pytest.mark.usefixtures("one_torch_thread")``): on two
    shared cores, torch's default two threads oversubscribe badly."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)
