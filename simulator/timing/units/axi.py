"""The AXI memory port of a unit: bursts, latency, limited outstanding requests.

An m_axi adapter (AXI4, ARM IHI 0022; Vitis HLS UG1399 "Options for Controlling AXI4 Burst
Behavior", whose read and write latencies are the ones below) has a read and a write channel
that work independently. On each channel:
- a request holds one of ``max_outstanding`` slots from issue until it completes;
- a read burst's first data beat arrives ``mem_latency_cycles`` after its issue, then one
  beat per cycle on the channel's data bus, which serves bursts in issue order (one AXI ID,
  so responses return in order);
- a write burst sends one beat per cycle from its issue (in order on the data bus), and its
  write response arrives ``mem_latency_cycles`` after the last beat; the slot frees then.

Because the bus serves bursts in issue order and every burst has the same latency, a burst's
data window is known the moment it issues ("reserving" the bus then is exact). The SimPy
channel (``AxiChannel``) keeps the slots as a ``simpy.Resource``; its analytic twin
(``ChannelTwin``) replays the same arithmetic with the slots as a queue of completion times.
"""

from __future__ import annotations

import math
from collections import deque
from functools import lru_cache

import simpy

from simulator.hardware.designs import Im2colDesign, MatmulDesign


@lru_cache(maxsize=4096)
def _split_beats(n_beats: int, burst_beats: int) -> tuple[int, ...]:
    full, rest = divmod(n_beats, burst_beats)
    return (burst_beats,) * full + ((rest,) if rest else ())


def segment_bursts(n_bytes: int, design: MatmulDesign | Im2colDesign) -> tuple[int, ...]:
    """Beats of each burst that moves ``n_bytes`` contiguous bytes (aligned start).

    beats = ceil(n_bytes / bytes_per_beat), cut into bursts of at most burst_beats.
    """
    return _split_beats(math.ceil(n_bytes / design.bytes_per_beat), design.burst_beats)


@lru_cache(maxsize=4096)
def _block_bursts(n_rows: int, row_bytes: int, contiguous: bool, bytes_per_beat: int, burst_beats: int):
    if contiguous:
        return _split_beats(math.ceil(n_rows * row_bytes / bytes_per_beat), burst_beats)
    return _split_beats(math.ceil(row_bytes / bytes_per_beat), burst_beats) * n_rows


def block_bursts(n_rows: int, row_bytes: int, contiguous: bool, design) -> tuple[int, ...]:
    """Bursts of a block of ``n_rows`` rows of ``row_bytes`` bytes.

    A block whose rows are adjacent in memory (``contiguous``: the block spans whole rows of
    its matrix) is one segment of n_rows * row_bytes bytes; otherwise every row is its own
    segment.
    """
    return _block_bursts(n_rows, row_bytes, contiguous, design.bytes_per_beat, design.burst_beats)


class AxiChannel:
    """One direction (read or write) of an m_axi adapter, in SimPy.

    The outstanding requests are a ``simpy.Resource`` of ``max_outstanding`` slots. Usage
    from the channel's one requesting process: ``slot = yield from channel.acquire()`` then
    ``data_end, done = channel.reserve(slot, n_beats)``. A slot is returned at its burst's
    completion; since one process issues on a channel and completions come in issue order,
    the return is done by that process when it next asks for a slot (and a process that
    finds every slot in flight waits exactly until the oldest completes), which saves one
    event per burst without changing any time.
    """

    def __init__(self, env: simpy.Environment, design: MatmulDesign | Im2colDesign, direction: str):
        self.env = env
        self.design = design
        self.direction = direction
        self.slots = simpy.Resource(env, capacity=design.max_outstanding)
        self.in_flight: deque[tuple[int, simpy.resources.resource.Request]] = deque()
        self.bus_free_cycle = 0

    def _return_completed(self) -> None:
        while self.in_flight and self.in_flight[0][0] <= self.env.now:
            self.slots.release(self.in_flight.popleft()[1])

    def acquire(self):
        """Take an outstanding-request slot, waiting while all are in flight (a generator)."""
        self._return_completed()
        if len(self.in_flight) >= self.slots.capacity:
            yield self.env.timeout(self.in_flight[0][0] - self.env.now)
            self._return_completed()
        return self.slots.request()  # a slot is free: granted at once

    def _latency_cycles(self) -> int:
        """Read: request to first beat; write: last beat to write response."""
        return self.design.mem_latency_cycles

    def _beat_cycles(self, n_beats: int) -> int:
        """Cycles of ``n_beats`` on the data bus: one beat per cycle."""
        return n_beats

    def reserve(self, slot: simpy.resources.resource.Request, n_beats: int) -> tuple[int, int]:
        """Book the data bus for a burst issued now; return (last beat cycle, completion cycle).

        Read: data starts at max(now + latency, bus free); completion = data end.
        Write: data starts at max(now, bus free); completion = data end + latency.
        """
        now = int(self.env.now)
        if self.direction == "read":
            data_start = max(now + self._latency_cycles(), self.bus_free_cycle)
            data_end = data_start + self._beat_cycles(n_beats)
            done = data_end
        else:
            data_start = max(now, self.bus_free_cycle)
            data_end = data_start + self._beat_cycles(n_beats)
            done = data_end + self._latency_cycles()
        self.bus_free_cycle = data_end
        self.in_flight.append((done, slot))
        return data_end, done


class AxiPort:
    """An m_axi adapter: independent read and write channels."""

    def __init__(self, env: simpy.Environment, design: MatmulDesign | Im2colDesign):
        self.read = AxiChannel(env, design, "read")
        self.write = AxiChannel(env, design, "write")


class ChannelTwin:
    """Analytic twin of one AxiChannel used by a single issuer, in order.

    ``issue(ready, n_beats)`` returns (grant, data_end, done): the burst issues at
    grant = max(ready, completion of the burst ``max_outstanding`` places earlier).
    """

    def __init__(self, design: MatmulDesign | Im2colDesign, direction: str):
        self.design = design
        self.direction = direction
        self.in_flight: deque[int] = deque()
        self.bus_free_cycle = 0

    def issue(self, ready: int, n_beats: int) -> tuple[int, int, int]:
        grant = ready
        while self.in_flight and self.in_flight[0] <= grant:
            self.in_flight.popleft()
        if len(self.in_flight) >= self.design.max_outstanding:
            grant = self.in_flight.popleft()
            while self.in_flight and self.in_flight[0] <= grant:
                self.in_flight.popleft()
        latency = self.design.mem_latency_cycles
        if self.direction == "read":
            data_start = max(grant + latency, self.bus_free_cycle)
            data_end = data_start + n_beats
            done = data_end
        else:
            data_start = max(grant, self.bus_free_cycle)
            data_end = data_start + n_beats
            done = data_end + latency
        self.bus_free_cycle = data_end
        self.in_flight.append(done)
        return grant, data_end, done

    def issue_bursts(self, ready: int, bursts, trace, stage: str) -> tuple[int, int, int, int]:
        """Issue ``bursts`` in order from cycle ``ready``, each as soon as a slot is free.

        Waits for a slot are recorded as ``stage`` stalls on ``trace``. Returns (first grant,
        last grant, last data beat, last completion).
        """
        now, first_grant, data_end, done = ready, None, ready, ready
        for beats in bursts:
            grant, data_end, done = self.issue(now, beats)
            trace.stall(stage, now, grant)
            now = grant
            first_grant = now if first_grant is None else first_grant
        return (ready if first_grant is None else first_grant), now, data_end, done


__all__ = ["AxiChannel", "AxiPort", "ChannelTwin", "block_bursts", "segment_bursts"]
