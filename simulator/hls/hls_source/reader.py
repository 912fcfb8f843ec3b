"""``SourceReader``: the C++ parsed with libclang (``parse``), and the functions of the nest.

The reader walks the top function and the functions it calls: their interfaces and array
storage, and their statements, between loops one block of operations each. The methods of the
other modules join it as mixins (``pragmas``, ``evaluation``, ``declarations``, ``calls``,
``loops``, ``trips``, ``expressions``).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import NoReturn

from simulator.hls import hls_ops, hls_verdicts
from simulator.hls.hls_source.calls import Calls
from simulator.hls.hls_source.context import SMALL_ARRAY, SourceError, _block, _Context, _inherit
from simulator.hls.hls_source.cursors import (
    LOOPS,
    SCALAR_KINDS,
    _elements,
    _site,
    _subscripted,
    _uses_streams,
    _width,
    stored_names,
)
from simulator.hls.hls_source.declarations import Declarations
from simulator.hls.hls_source.evaluation import Evaluation, _arithmetic, _library, object_macros
from simulator.hls.hls_source.expr_timing import STORED, WRITTEN, _independent, _longest, forget, schedule
from simulator.hls.hls_source.expressions import Expressions
from simulator.hls.hls_source.fusion import tail_of
from simulator.hls.hls_source.loop_verdicts import LoopVerdicts
from simulator.hls.hls_source.loops import LoopWalk
from simulator.hls.hls_source.nest import (
    _arrays_of,
    _channel_inputs,
    _mark_outputs,
    _mark_rewind,
    _parallel,
    _public,
    _walk,
    _written,
)
from simulator.hls.hls_source.operators import Operators
from simulator.hls.hls_source.parse import PROBE, parse_translation_unit
from simulator.hls.hls_source.pragmas import Pragma, ScopePragmas, read_directives
from simulator.hls.hls_source.trips import TripCounts
from simulator.hls.hls_tools import Tool, storage_kind


class SourceReader(
    Calls, Declarations, LoopWalk, LoopVerdicts, TripCounts, Expressions, Operators, Evaluation, ScopePragmas
):
    """The loop nest of ``top`` in ``path`` (module docstring); ``nest()`` builds it.

    ``args`` binds scalar parameters of the top to values (a run-time shape such as a
    matrix's rows), as a call with those arguments would run; they reach the called
    functions and every expression computed from them. ``tripcounts`` maps
    "function/Label" to (min, max) trips, as ``set_directive_loop_tripcount`` does, for
    loops whose trip count depends on data.
    """

    def __init__(
        self,
        path,
        top: str,
        defines=(),
        includes=(),
        directives=None,
        clock_ns: float | None = None,
        part: str | None = None,
        pipeline_loops: int | None = None,
        args: dict[str, int] | None = None,
        tripcounts: dict[str, tuple[int, int]] | None = None,
        tool: str | None = None,
        flow: str | None = None,
        charge_transactions: bool = False,
    ):
        self.tool = Tool.parse(tool)
        self.cindex, self.lib = _library()
        self.args = dict(args or {})
        self.path = Path(path)
        if not self.path.is_file():
            raise FileNotFoundError(f"{path}: no such file")
        self.top = top
        self.axi_latency = hls_ops.DEFAULT_AXI_LATENCY
        self.warnings: list[str] = []
        self.unknown_trips: list[str] = []  # loops whose trip count is '?' (trips.TripCounts)
        self._token_cache: dict = {}  # a function's tokens, a local's verdicts, a body's names
        self._changed_cache: dict = {}  # (declarations.Declarations), each read once
        self._declared_cache: dict = {}
        self._token_cursors: dict = {}  # (file, offset) of a token -> the constant it names (libclang's
        # annotation of one token costs a third of a millisecond; an index is evaluated many times)
        self._burst_runs: dict[tuple, int] = {}
        self._burst_levels: dict[tuple, list] = {}  # the loops a burst covers, outermost first
        self._burst_found: list[tuple] = []  # the bursts' keys in the order their loops were read
        self._decided: dict[tuple, bool] = {}  # branch conditions the loop ranges decide, by place
        self.bundles: dict[str, str] = {}  # an m_axi port -> the bundle an INTERFACE pragma names
        self.bursts: dict[tuple, hls_verdicts.Burst] = {}  # by site and direction: an outer loop's verdict wins
        self.conflicts: dict[tuple, hls_verdicts.Conflict] = {}
        self.outstanding = hls_verdicts.MAX_OUTSTANDING
        # whether an m_axi access without a burst raises its pipelined loop's II to one AXI
        # transaction (round trip / outstanding), as the hardware runs it; csynth's schedule
        # assumes every access answers within the m_axi latency and keeps the II (the reports
        # of songqij's filters and kannanjay's GEMM: single-beat accesses at II 1)
        self.charge_transactions = charge_transactions
        self._site: tuple[str, int] = (str(self.path), 0)  # the loop being read
        self._promoted: frozenset[str] = frozenset()  # subscripts held in a register in the loop being read
        self.use_min = False
        self.ranged = False  # whether the smallest nest can differ: a trip range or a branch choice met
        settings: dict = {}
        self.directives = read_directives(directives, settings) if directives is not None else {}
        for where, (low, high) in (tripcounts or {}).items():
            if not 0 <= low <= high:
                raise ValueError(f"tripcounts[{where!r}] = ({low}, {high}) is out of range; expected 0 <= min <= max")
            pragma = Pragma(0, "LOOP_TRIPCOUNT", {"min": str(low), "max": str(high)})
            self.directives.setdefault(where, []).append(pragma)
        period = clock_ns if clock_ns is not None else settings.get("clock_ns", hls_ops.DEFAULT_CLOCK_NS)
        margin = settings.get("uncertainty")  # set_clock_uncertainty: (value, "ns" | "%"); else the tool's default
        self.target = hls_ops.Target.for_part(
            part if part is not None else settings.get("part"),
            period,
            self.tool.clock_uncertainty
            if margin is None
            else margin[0] / 100
            if margin[1] == "%"
            else min(0.9, margin[0] / float(period)),
        )
        if pipeline_loops is None:
            pipeline_loops = int(settings.get("pipeline_loops", self.tool.pipeline_loops))
        if pipeline_loops < 0:
            raise ValueError(f"pipeline_loops={pipeline_loops} is out of range; expected 0 (off) or more")
        self.pipeline_loops = pipeline_loops
        # the channel of an array passed between dataflow processes (UG1399 "config_dataflow":
        # ping-pong by default, a FIFO with -default_channel fifo: the processes overlap)
        self.array_channel = "fifo" if settings.get("dataflow_channel") == "fifo" else "pipo"
        self.flow = flow if flow is not None else settings.get("flow", "vivado")
        if self.flow not in FLOWS:
            raise ValueError(f"flow {self.flow!r} is not known; expected one of {', '.join(FLOWS)}")
        # automatic port widening of m_axi accesses (UG1399 "Automatic Port Widening"): up to 512
        # bits in the Vitis kernel flow, off (0) in the Vivado IP flow unless configured
        self.widen_bits = int(settings.get("widen_bits", 512 if self.flow == "vitis" else 0))
        # the m_axi latency the schedule assumes (UG1399 "Default Settings of Vivado/Vitis Flows":
        # config_interface -m_axi_latency 64 in the Vitis kernel flow, 0 in the Vivado IP flow)
        default_latency = hls_ops.DEFAULT_AXI_LATENCY if self.flow == "vitis" else 0
        self.axi_latency = int(settings.get("axi_latency", default_latency))
        # the memory's round trip as the hardware runs it (--charge-transactions): the configured
        # latency, else the kernel flow's 64 whatever the flow assumes for its schedule
        self.round_trip = int(settings.get("axi_latency", hls_ops.DEFAULT_AXI_LATENCY))
        self.widen: dict[str, int] = {}  # per port, from INTERFACE max_widen_bitwidth
        self.unit, text, names = parse_translation_unit(self.cindex, self.path, defines, includes)
        self.object_macros = object_macros(text, defines)
        self.macro_values = {
            names[int(cursor.spelling.removeprefix(PROBE))]: value
            for cursor in self.unit.cursor.get_children()
            if cursor.kind.name == "VAR_DECL"
            and cursor.spelling.startswith(PROBE)
            and (value := self._clang_value(cursor)) is not None
        }
        self.pragmas: dict[str, dict[int, Pragma]] = {}
        definitions = [
            cursor
            for cursor in self.unit.cursor.walk_preorder()
            if cursor.kind.name in ("FUNCTION_DECL", "FUNCTION_TEMPLATE", "CXX_METHOD") and cursor.is_definition()
        ]
        self.functions = {cursor.spelling: cursor for cursor in definitions}  # the top is found by name
        self.defined_at = {_site(cursor): cursor for cursor in definitions}
        self._loopy: dict[tuple, bool] = {}
        self._evaluating: set[int] = set()  # variables whose value is being computed (against cycles)
        self.small_globals = {
            cursor.spelling
            for cursor in self.unit.cursor.get_children()
            if cursor.kind.name == "VAR_DECL" and 0 < _elements(cursor.type) <= SMALL_ARRAY
        }
        stored = {  # in the functions' bodies: a global's initializer is no store
            name for function in definitions for name in stored_names([t.spelling for t in function.get_tokens()])
        }
        # array -> {dimension (1 = outermost): (cyclic | block, factor)}
        self.dim_banks: dict[str, dict[int, tuple[str, int]]] = {}
        self.read_only = {  # global tables nothing writes: shared by processes, never a channel between them
            cursor.spelling
            for cursor in self.unit.cursor.get_children()
            if cursor.kind.name == "VAR_DECL" and cursor.spelling not in stored
        }

    def _where(self, cursor) -> str:
        location = cursor.location
        return f"{location.file.name if location.file else self.path}:{location.line}"

    def _fail(self, cursor, what: str) -> NoReturn:
        raise SourceError(f"{self._where(cursor)}: {what}")

    def nest(self) -> dict:
        """The NEST.json tree of the top function."""
        function = self.functions.get(self.top)
        if function is None:
            names = ", ".join(sorted(self.functions)) or "none"
            raise SourceError(f"{self.path}: no function {self.top!r} is defined (defined: {names})")
        scalars = [
            c.spelling
            for c in function.get_children()
            if c.kind.name == "PARM_DECL" and c.type.get_canonical().kind.name in SCALAR_KINDS
        ]
        for name in self.args:
            if name not in scalars:
                known = ", ".join(scalars) or "none"
                raise SourceError(f"{self.path}: {self.top} has no scalar parameter {name!r} (scalars: {known})")
        context = _Context(self.top, dict(self.args), partitioned=set(self.small_globals))
        region = self._function(function, context, self.top)
        _mark_rewind(region, function)
        return _public(region)

    def _function(self, function, caller: _Context, name: str, bindings: dict[str, str] | None = None) -> dict:
        body = next((child for child in function.get_children() if child.kind.name == "COMPOUND_STMT"), None)
        if body is None:
            self._fail(function, f"function {name} has no body")
        pragmas = self.scope_pragmas(body) + self.directives.get(name, [])
        # a pipelined function unrolls every loop below it, in the functions it calls too (UG1399
        # "pipeline": "all loops in the hierarchy below are automatically unrolled")
        pipeline = next((p for p in pragmas if p.name == "PIPELINE" and "off" not in p.options), None)
        unrolling = caller.unrolling or pipeline is not None
        context = _Context(name, dict(caller.env), partitioned=set(self.small_globals), unrolling=unrolling)
        self._apply_arrays(pragmas, context)
        # array arguments are block-RAM ports (ap_memory) and pointers m_axi ports in the Vitis
        # kernel flow, block RAM in the Vivado IP flow (the default here) unless an INTERFACE
        # pragma gives another mode; a called function's array parameters are its caller's arrays
        modes: dict[str, str] = {}
        for pragma in pragmas:  # an s_axilite line for an m_axi port carries its offset: the m_axi mode stands
            if pragma.name == "INTERFACE":
                # the mode: mode=M, or the option without a value (INTERFACE M port=P); none: the default stands
                mode = (pragma.options.get("mode") or next((k for k, v in pragma.options.items() if not v), "")).lower()
                port = pragma.options.get("port", "")
                if not mode:
                    continue
                if not (mode == "s_axilite" and modes.get(port) in ("m_axi", "ap_memory", "bram")):
                    modes[port] = mode
                if mode == "m_axi" and pragma.options.get("bundle"):
                    self.bundles[port] = pragma.options["bundle"]
        storages = {  # the storage type of an argument: INTERFACE storage_type, RESOURCE core, BIND_STORAGE type
            pragma.options.get("port" if pragma.name == "INTERFACE" else "variable", ""): value
            for pragma in pragmas
            if (value := pragma.options.get("storage_type") or pragma.options.get("core")
                or (pragma.options.get("type") if pragma.name == "BIND_STORAGE" else None))
        }  # fmt: skip
        impls = {
            pragma.options.get("variable", ""): pragma.options["impl"] for pragma in pragmas if "impl" in pragma.options
        }
        for parameter in function.get_children():
            if parameter.kind.name != "PARM_DECL":
                continue
            spelling = parameter.spelling
            if "stream" in parameter.type.spelling:  # the caller's stream, by its name when known
                context.streams.add(spelling)
                # an AXI4-Stream port of the top: by INTERFACE, or the kernel flow's default for a
                # stream (the IP flow's is ap_fifo: UG1399 "Default Interfaces")
                if modes.get(spelling, "axis" if self.flow == "vitis" else "ap_fifo") == "axis" and bindings is None:
                    context.handshakes.add(spelling)
                if bindings is not None and spelling in bindings:
                    _inherit(context, caller, spelling, bindings[spelling])
                continue
            if bindings is not None and spelling in bindings:
                _inherit(context, caller, spelling, bindings[spelling])
                continue
            pointer = parameter.type.kind.name in ("CONSTANTARRAY", "INCOMPLETEARRAY", "POINTER")
            scalar = parameter.type.kind.name == "POINTER" and not _subscripted(body, spelling)
            # the Vitis kernel flow makes every pointer and array argument of the top an m_axi port
            # (UG1399 "Interfaces for Vitis Kernel Flow"); the IP flow an ap_memory one
            kernel_flow = self.flow == "vitis" and bindings is None
            mode = modes.get(
                spelling, ("m_axi" if kernel_flow else "ap_memory") if pointer and not scalar else "scalar"
            )
            # a wire or register port (UG1399 "Port-Level I/O Protocols"), or a pointer to a scalar in
            # the s_axilite register file (UG1399 "S_AXILITE"): no memory access
            if mode in SCALAR_PORTS or pointer and (mode == "scalar" or mode == "s_axilite" and scalar):
                context.partitioned.add(spelling)
            if mode in ("ap_memory", "bram"):
                context.arrays.add(spelling)
                if _elements(parameter.type):
                    context.words[spelling] = _elements(parameter.type)
                storage = storages.get(spelling)
                context.ports[spelling] = self.tool.argument_ports(mode, storage)
                if kind := storage_kind(storage, impls.get(spelling)):
                    context.kinds[spelling] = kind
            elif mode == "m_axi":
                context.axi.add(spelling)
                pointee = parameter.type.get_pointee()
                element = pointee if pointee.kind.name != "INVALID" else parameter.type.get_array_element_type()
                context.axi_bits[spelling] = _width(element) or 32
            elif mode in ("ap_fifo", "axis") and pointer:  # an array read or written in order, one beat a
                context.streams.add(spelling)  # state (UG1399 "Array Interfaces": ap_fifo)
                if mode == "axis":
                    context.handshakes.add(spelling)
        for field_name in set(bindings or {}) - {p.spelling for p in function.get_children()}:  # members
            _inherit(context, caller, field_name, bindings[field_name])  # type: ignore[index]
        for pragma in pragmas:
            if pragma.name == "INTERFACE" and "latency" in pragma.options:
                self.axi_latency = int(_arithmetic(pragma.options["latency"]) or self.axi_latency)
                self.round_trip = self.axi_latency
            if pragma.name == "INTERFACE" and "max_widen_bitwidth" in pragma.options:
                bits = _arithmetic(pragma.options["max_widen_bitwidth"])
                self.widen[pragma.options.get("port", "")] = int(bits or 0)
            if pragma.name == "INTERFACE" and "num_read_outstanding" in pragma.options:
                self.outstanding = int(_arithmetic(pragma.options["num_read_outstanding"]) or self.outstanding)
        dataflow = any(p.name == "DATAFLOW" for p in pragmas)
        # a dataflow region's processes keep the order they are written in: the channels run from
        # each call to the later ones that read them (canonical form), not by levels of a parallel run
        mark = len(self._burst_found)
        nodes = self._statements(list(body.get_children()), context, grouped=not dataflow)
        if dataflow or any(p.name == "INLINE" and "off" in p.options for p in pragmas):
            for key in self._burst_found[mark:]:  # a sub-module's bursts end in it: no caller's loop lifts them
                self._burst_levels.pop(key, None)
        caller.local_arrays |= context.local_arrays  # (static) locals of a callee a caller's loop may reach
        for node in _walk(nodes):  # the accesses count against the caller's arrays
            if node.get("_ports"):
                ports: Counter = Counter()
                for (array, way), count in node["_ports"].items():
                    if array in context.partitioned and array not in context.aliases:
                        continue  # the callee's own registers: no port for the caller to share
                    ports[(context.aliases.get(array, array), way)] += count
                node["_ports"] = dict(ports)
        if pipeline is not None and not caller.unrolling:  # one iteration of a pipeline per call
            target = int(_arithmetic(pipeline.options.get("ii", "1")) or 1)
            nodes = [self._pipelined(name, 1, target, nodes, context, True, local=self._declared(body), body=body)]
        region: dict = {"region": name, "kind": "dataflow" if dataflow else "sequential", "body": nodes}
        parameters = {child.spelling for child in function.get_children() if child.kind.name == "PARM_DECL"}
        region["_locals"] = self._declared(function) | parameters  # its arrays are in _arrays, by the caller's names
        region["_aliases"] = dict(context.aliases)  # its parameters -> the caller's arrays and streams
        if dataflow:  # an array passed between processes is whole only when its producer ends: ping-pong
            processes = [node for node in nodes if "op" not in node]
            own = {c.spelling for c in function.walk_preorder() if c.kind.name in ("VAR_DECL", "PARM_DECL")}
            # the channels are the variables the region declares or takes and passes between its
            # processes (UG1399 "Dataflow": streams become FIFOs, arrays ping-pong buffers)
            shared = {  # the region's arrays a process writes and the next one reads: the channels
                name  # that are not streams (two processes' locals of one name are not a channel)
                for first, second in zip(processes, processes[1:])
                for name in _written(first) & second.get("_arrays", set())
                if name not in context.streams | self.read_only and name in own
            }
            streams = context.streams or _uses_streams(body)
            region["channel"] = "fifo" if streams and not shared or self.array_channel == "fifo" else "pipo"
            declared = {c.spelling for c in function.walk_preorder() if c.kind.name == "VAR_DECL"}
            region["inputs"] = _channel_inputs(nodes, declared)
            _mark_outputs(nodes, declared & context.streams)
        region["_arrays"] = {context.aliases.get(name, name) for name in _arrays_of(nodes)}  # the caller's names
        if (
            bindings is not None
            and not caller.unrolling
            and any(p.name == "INLINE" and "off" in p.options for p in pragmas)
        ):  # a sub-module: the caller spends a state starting it (vjsananda's report: 1 + the callee's latency)
            call = {"op": f"call:{name}", "latency": 1, "_arrays": set(), "_reads": set(), "_writes": set()}
            module = region | {"region": f"{name} (module)"}
            return {"region": name, "kind": "sequential", "body": [call, module], "_arrays": region["_arrays"],
                    "_locals": region["_locals"]}  # fmt: skip
        return region

    def _statements(self, statements, context: _Context, grouped: bool = True) -> list[dict]:
        """The nodes of a statement list: blocks of straight-line code, loops and calls; with
        ``grouped``, runs of independent ones side by side (``nest._parallel``)."""
        nodes: list[dict] = []
        block = _block(context, self.pipeline_loops == 0)
        first_line = [0]
        touched: Counter = Counter()
        read_at: dict[str, set[str]] = {}  # per array, the index texts the block has read it at

        def flush() -> None:
            if block.latency:
                # logic outside loops that settles within the cycle it starts in, touching no
                # memory (a register or a scalar port is none), takes no state of its own (a top
                # that returns a constant reports latency 0; so does one that adds two s_axilite
                # scalars); a loop's iteration keeps its state
                memory = any(name not in context.partitioned for name, _ in touched)
                combinational = not memory and context.function == self.top and context.carrier is None
                combinational = combinational and block.latency < 1
                states = 0 if combinational else block.states() if not touched else max(1, block.states())
                node = {"op": f"block@{first_line[0]}", "latency": states}
                if block.ready and states >= 1 and abs(block.latency - states) < 1e-9:
                    node["_settle"] = True  # its last result arrives as a state starts (``nest._plain``)
                node["_arrays"] = {name for name, _ in touched}
                node["_ports"] = dict(touched)
                # values the block reads before writing them, and writes (not the stored elements' values)
                node["_reads"] = {name for name in block.first_read if not name.startswith(STORED)}
                node["_writes"] = {name for name in block.ready if not name.startswith(STORED)}
                node["_port_waits"] = block.port_waits  # (``LoopWalk._pipelined`` counts them once)
                node["_recurrence"] = block.recurrence
                node["_recurrences"] = dict(block.recurrences)
                nodes.append(node)
            context.forwarded.clear()  # a loop or a call between: the block's stores are not the next one's
            block.reset()
            read_at.clear()
            touched.clear()
            first_line[0] = 0

        fused = -1  # the position of a loop read with the one before it (``fusion``)
        for position, statement in enumerate(statements):
            kind = statement.kind.name
            label = None
            if kind == "LABEL_STMT":
                label, statement = statement.spelling, next(statement.get_children())
                kind = statement.kind.name
            if position == fused:
                continue
            if kind in LOOPS:
                flush()
                tail = tail_of(self, statement, label, statements[position + 1 : position + 2], context)
                nodes.append(self._loop(statement, label, context, tail))
                fused = position + 1 if tail else -1
                context.forwarded.clear()
            elif kind == "COMPOUND_STMT":
                flush()
                nodes += self._statements(list(statement.get_children()), context, grouped)
                context.forwarded.clear()
            elif kind in ("NULL_STMT", "BREAK_STMT", "CONTINUE_STMT") or kind.endswith("_DECL") and kind != "VAR_DECL":
                continue
            elif self._has_loops(statement):
                if kind == "IF_STMT":  # the test joins the block before it
                    test = self._statement(next(statement.get_children()), context)
                    block.statement(test.paths, set(), test.latency, test.firsts)
                    touched.update(test.accesses)
                flush()
                nodes += self._calls_with_loops(statement, context)
                context.forwarded.clear()
            else:
                info = self._statement(statement, context)
                forget(context, info.writes)
                init = self._init_loops(statement, context)
                if init:  # the initialized arrays are written word by word before the statement's value
                    flush()
                    nodes += init
                first_line[0] = first_line[0] or statement.location.line
                for name, texts in info.indices.items():  # the index texts the block reads
                    if not name.startswith(WRITTEN):
                        read_at.setdefault(name, set()).update(texts)
                # an array the block read at indices the tool analyses, written at one: no
                # dependence across iterations (a shift register's line[k] = line[k - 1])
                kept = {name for name in info.writes if name in block.first_read and read_at.get(name)
                        and info.indices.get(WRITTEN + name)
                        and _independent(read_at[name], info.indices[WRITTEN + name], context)}  # fmt: skip
                schedule(block, info, kept)
                block.recurrences.update(_longest(block.recurrences, info.recurrences))
                touched.update(info.accesses)
                self._note_constants(statement, context)
        flush()
        return _parallel(nodes) if grouped else nodes


FLOWS = ("vivado", "vitis")
SCALAR_PORTS = {"ap_none", "ap_vld", "ap_ack", "ap_hs", "ap_ovld", "ap_stable"}
