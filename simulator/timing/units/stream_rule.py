"""When a run that reads a stream may start: the one rule both views of a loop program use
(``static_view`` compiled over its run table, ``des_view`` per SimPy event).

A writer run of T iterations at II writes its n items evenly (item m at iteration
ceil((m + 1) T / n) - 1) or at given iterations (``write_at``), each ready ``iteration`` cycles
after its iteration issues, unless the ready cycle of every item is known (``ready``: a run
slowed by its AXI port). A reader run of T' iterations at II' reads its n' items evenly (item k
at iteration floor(k T' / n')) or at given iterations (``read_at``). It never waits for an item
when it starts at s >= ready(k) - issue(k) II' for every item k it reads from the segment. When
both sides spread evenly in whole iterations per item (n divides T and n' divides T') that
difference is affine in k, so the segment's two ends decide; otherwise the rounding of the
spread makes it bump between them (3 items in 2 iterations on both sides: 0, 1, 0), and every
item is checked. Empty arrays stand for "spread evenly" and "not known".
"""

from __future__ import annotations

import numpy as np
from numba import njit

NONE = np.empty(0, np.int64)  # an absent write_at / ready / read_at


@njit(cache=True, inline="always")
def _ready(start, trips, ii, iteration, written, write_at, ready, m):  # pragma: no cover - jitted
    if ready.size:
        return ready[m]
    issue = write_at[m] if write_at.size else -(-(m + 1) * trips // written) - 1
    return start + issue * ii + iteration


@njit(cache=True)
def segment_start(
    first, start, trips, ii, iteration, written, write_at, ready, k0, n, read_at, reader_trips, reader_ii
):  # pragma: no cover - jitted
    """The least start of a reader run reading items k0 .. k0 + n - 1 (``read_at[k - k0]``: the
    iteration reading item k) as far as the writer segment of items first .. first + written - 1,
    started at ``start``, decides (module docstring); 0 when the two share no item."""
    lo, hi = max(first, k0), min(first + written, k0 + n)
    best = 0
    if lo >= hi:
        return best
    affine = trips % written == 0 and reader_trips % n == 0  # whole iterations per item on both sides
    if affine and not read_at.size and not write_at.size and not ready.size:
        for k in (lo, hi - 1):
            issue = (k - k0) * reader_trips // n
            item = _ready(start, trips, ii, iteration, written, write_at, ready, k - first)
            best = max(best, item - issue * reader_ii)
        return best
    for k in range(lo, hi):
        issue = read_at[k - k0] if read_at.size else (k - k0) * reader_trips // n
        item = _ready(start, trips, ii, iteration, written, write_at, ready, k - first)
        best = max(best, item - issue * reader_ii)
    return best


__all__ = ["NONE", "segment_start"]
