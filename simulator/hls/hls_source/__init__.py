"""Read HLS C++ into the loop nest of the static schedule model (``cnnacc hls-estimate FILE.cpp``).

libclang (PyPI ``libclang``) parses the file with the user's -D / -I flags, ``__SYNTHESIS__``
defined (as Vitis HLS does) and cnnacc's own stand-in Xilinx headers (``hls_headers/``: types
and member signatures only) when the real ones are absent. From the top function the reader
builds the NEST.json tree of ``simulator.hls.schedule``:

- loops: ``for`` loops whose start, bound and step are constant (literals, macros, constexpr,
  enum and template values: clang evaluates them), or any loop with a LOOP_TRIPCOUNT pragma
  (the max is timed, min and max are reported; a min left out is 0), or a while loop that walks
  a table nothing writes until a test of its element fails; a while loop's test runs
  in every iteration and once more to leave (``nest_format`` ``exit``); a label names the loop, else
  ``VITIS_LOOP_<line>_<n>`` as Vitis names it (n counts the unlabelled loops of a function);
- interfaces: array arguments are block-RAM ports (ap_memory) and pointer arguments m_axi
  ports, as Vitis HLS defaults them, unless an INTERFACE pragma gives another mode;
- pragmas (``#pragma HLS`` and ``_Pragma("HLS ...")`` or a macro wrapping one) apply to the
  scope they stand in, Tcl directives (``--directives``) to the function or function/label
  they name: PIPELINE (II, off), UNROLL (factor, complete), DATAFLOW, LOOP_TRIPCOUNT,
  ARRAY_PARTITION (complete arrays are registers; cyclic, block and a complete partition of one
  dimension of an argument are banks, each with its ports), INTERFACE (m_axi latency); INLINE,
  LOOP_FLATTEN, STREAM and the other Vitis pragmas are read and not timed; unknown ones are
  listed as warnings. Innermost loops are pipelined at II = 1 unless told otherwise, as Vitis
  HLS does by default; a PIPELINE around a loop of run-time trips, which cannot be unrolled,
  is not satisfied (the loop runs plain, with a warning);
- calls to functions defined in the file are inlined, as a region when they hold loops; under
  Vitis a loop whose body is such a call alone (not under a branch) holds the callee's loop
  (``nest._inlined_loop``: inlined before the nest is flattened or pipelined), and a callee's
  parameter bound to the caller's local array is that local array;
- a small local array is registers unless it is a table (initialized, and const or never
  stored to: a ROM);
- the statements between loops become one op each, scheduled along their data dependences
  (``hls_ops``), and a pipelined loop's II is the largest of its target, the memory ports'
  bound (accesses per iteration to one array over its ports, or to its busiest bank) and the
  recurrence of a value read and then written in one iteration (also under an ``if``, and
  through a helper);
- what LLVM folds before scheduling costs nothing: constants, a known element of a table
  nothing writes, and a load of an element stored earlier in the block (the stored value);
  an element an innermost loop reads and writes at one address is a register for the whole
  loop (scalar promotion, ``promotion``);
- a block-RAM subscript ``a[i][j]`` is linearised to ``i * D + j`` before the access: free
  when the inner dimension D is a power of two (bit concatenation), else a shift-and-add and
  an add in the address path (enzobelline_mmul: 26.1 % -> 13.0 % off its csynth report).

Anything else is refused with one line naming file:line and the construct (``SourceError``).
"""

from __future__ import annotations

from simulator.hls.hls_source.api import (
    SourceRead,
    estimate_source,
    read_source,
    read_source_verdicts,
    source_report,
)
from simulator.hls.hls_source.context import SourceError
from simulator.hls.hls_source.parse import HEADERS
from simulator.hls.hls_source.pragmas import Pragma, read_directives
from simulator.hls.hls_source.reader import SourceReader

__all__ = [
    "HEADERS",
    "Pragma",
    "SourceError",
    "SourceReader",
    "estimate_source",
    "read_directives",
    "read_source",
    "source_report",
    "SourceRead",
    "read_source_verdicts",
]
