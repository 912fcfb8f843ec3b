"""The one rule of when a stream's reader may start (``stream_rule.segment_start``)."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.timing.units.stream_rule import NONE, segment_start


def every_item(first, start, trips, ii, iteration, written, k0, n, reader_trips, reader_ii):
    """The rule item by item, written out: ready(k) - issue(k) II' over the shared items."""
    best = 0
    for k in range(max(first, k0), min(first + written, k0 + n)):
        ready = start + (-(-(k - first + 1) * trips // written) - 1) * ii + iteration
        best = max(best, ready - ((k - k0) * reader_trips // n) * reader_ii)
    return best


@settings(max_examples=300, deadline=None, derandomize=True)
@given(
    st.integers(0, 50), st.integers(0, 500), st.integers(1, 40), st.integers(1, 4), st.integers(0, 20),
    st.integers(1, 40), st.integers(0, 60), st.integers(1, 40), st.integers(1, 40), st.integers(1, 4),
)  # fmt: skip
def test_two_evenly_spread_sides_are_decided_by_the_segment_ends(
    first, start, trips, ii, iteration, written, k0, n, reader_trips, reader_ii
):
    # a shortcut that checked one end only, or the wrong end, fails on some of these
    found = segment_start(first, start, trips, ii, iteration, written, NONE, NONE, k0, n, NONE, reader_trips, reader_ii)
    assert found == every_item(first, start, trips, ii, iteration, written, k0, n, reader_trips, reader_ii)


def test_known_ready_cycles_and_given_positions_replace_the_even_spread():
    ready = np.array([10, 50, 12, 13], np.int64)  # item 1 came late (a port-slowed writer)
    read_at = np.array([0, 1, 2, 3], np.int64)
    found = segment_start(0, 0, 4, 1, 2, 4, NONE, ready, 0, 4, read_at, 4, 1)
    assert found == 50 - 1  # item 1 is read at iteration 1: the reader may start at 49
    write_at = np.array([3, 3, 3, 3], np.int64)  # all four written by the last iteration
    assert segment_start(0, 0, 4, 1, 2, 4, write_at, NONE, 0, 4, read_at, 4, 1) == 3 + 2
    assert segment_start(0, 0, 4, 1, 2, 4, NONE, NONE, 10, 4, NONE, 4, 1) == 0  # no shared item
