"""Which HLS tool's rules an estimate follows: Vivado HLS (UG902) or Vitis HLS (UG1399), by version.

A csynth report depends on the tool that wrote it as much as on the C++: the same loop is
pipelined by Vitis HLS and left sequential by Vivado HLS, and the same array argument gets one
RAM port or two. ``Tool`` holds the defaults that differ between the families, each with the
user-guide section (or public report) it comes from:

- automatic loop pipelining (``config_compile -pipeline_loops``): Vivado HLS pipelines no loop
  it is not told to (UG902 v2019.2, "config_compile": "-pipeline_loops ... The default is 0, no
  automatic pipelining"); Vitis HLS pipelines loops automatically, the threshold 64 trips
  (UG1399, "config_compile" / "syn.compile.pipeline_loops": "The default is 64");
- ports of a top-level array argument implemented as ap_memory without a storage type: UG1399
  ("Memory Property on Interface", "Array Interfaces") says a single-port RAM by default and a
  dual-port RAM "if it reduces the initiation interval or latency"; Vitis HLS reports do give
  two ports (gct02/AHLS sparseMatrixPower, Vitis HLS 2023.2: three accesses of one argument an
  iteration, II 2). UG902 ("Array Interfaces") states the same for Vivado HLS, and its reports
  agree (robertszafa floydwarshall and spmv, AngeloDamiani floyd_warshall, AugustKRZhu
  fir_unroll in tests/data/hls_reports/: two ports on an argument that a loop reads several
  times), so an argument has two ports in both families unless a storage type says one;
- the ``bram`` interface mode, and a RAM_1P / ROM_1P storage type or core, give one port in
  both families; RAM_2P, RAM_T2P, RAM_S2P, ROM_2P two (UG1399 "pragma HLS bind_storage",
  UG902 "set_directive_resource").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

FAMILIES = ("vivado_hls", "vitis_hls")
FORM = re.compile(r"^(vivado_hls|vitis_hls):(\d{4})\.(\d)$")
REPORT = re.compile(r"(Vivado HLS|Vitis HLS|Vitis)\D*(\d{4})\.(\d)")
VITIS_FIRST = (2020, 1)
DEFAULT = "vitis_hls:2024.2"
VITIS_AUTO_PIPELINE_TRIPS = 64  # UG1399 config_compile -pipeline_loops default
STORAGE_PORTS = {
    "ram_1p": 1, "ram_1wnr": 1, "rom_1p": 1, "rom_np": 1, "ram_2p": 2, "ram_t2p": 2, "ram_s2p": 2, "rom_2p": 2,
}  # fmt: skip


@dataclass(frozen=True)
class Tool:
    """An HLS tool family and release, e.g. ``Tool.parse("vivado_hls:2019.2")``."""

    family: str = "vitis_hls"
    version: tuple[int, int] = (2024, 2)

    def __post_init__(self):
        if self.family not in FAMILIES:
            raise ValueError(f"tool family {self.family!r} is not known; expected one of {', '.join(FAMILIES)}")
        vitis = self.family == "vitis_hls"
        if vitis and self.version < VITIS_FIRST or not vitis and not (2012, 1) <= self.version < VITIS_FIRST:
            year, minor = self.version
            allowed = "2020.1 or later" if vitis else "2012.1 to 2019.2"
            raise ValueError(f"{self.family}:{year}.{minor} does not exist; {self.family} releases are {allowed}")

    @classmethod
    def parse(cls, text: str | None) -> Tool:
        """``vivado_hls:YEAR.N`` or ``vitis_hls:YEAR.N``; None gives the current Vitis HLS."""
        match = FORM.match((text if text is not None else DEFAULT).strip().lower())
        if match is None:
            forms = "vivado_hls:YEAR.N or vitis_hls:YEAR.N (e.g. vitis_hls:2023.2)"
            raise ValueError(f"tool {text!r} is not of the form {forms}")
        return cls(match[1], (int(match[2]), int(match[3])))

    @classmethod
    def from_report(cls, text: str) -> Tool | None:
        """The tool named in a csynth report's header ("Vivado HLS Report for ...", "* Version:
        2019.2", or "Vitis HLS 2023.2"), None when the text names none."""
        match = REPORT.search(text)
        if match is None:
            return None
        family = "vivado_hls" if match[1] == "Vivado HLS" else "vitis_hls"
        return cls(family, (int(match[2]), int(match[3])))

    def __str__(self) -> str:
        return f"{self.family}:{self.version[0]}.{self.version[1]}"

    @property
    def vivado(self) -> bool:
        return self.family == "vivado_hls"

    @property
    def pipeline_loops(self) -> int:
        """The automatic pipelining threshold in trips (0: off)."""
        return 0 if self.vivado else VITIS_AUTO_PIPELINE_TRIPS

    @property
    def dsp_mac_states(self) -> int:
        """States from a multiply's operands to the sum of a multiply-add bound to one DSP
        macro (``mac_muladd_*_4_1``), whatever the clock, in Vitis HLS: 3 in the reports of
        enzobelline (4 ns, xc7k160t), LeVDuc22 (10 ns, xc7s100) and nightt5879's DCT (8 x 8
        multiply-adds of 16-bit values); the addend enters at the macro's last stage. 0 (the
        multiply and the add timed apart) for Vivado HLS, whose reports of one multiply-add
        differ by release."""
        return 0 if self.vivado else 3

    @property
    def clock_uncertainty(self) -> float:
        """The default clock uncertainty, a fraction of the period: 27 % in Vitis HLS (UG1399
        "Specifying the Clock Frequency"), 12.5 % in Vivado HLS (UG902, the same section; the
        reports of Vivado HLS 2017.2 and 2018.2 in tests/data/hls_reports/ print 1.25 ns at
        10 ns and 0.62 ns at 5 ns)."""
        from simulator.hls.hls_ops import CLOCK_UNCERTAINTY, VIVADO_HLS_UNCERTAINTY

        return VIVADO_HLS_UNCERTAINTY if self.vivado else CLOCK_UNCERTAINTY

    @property
    def promotes_in_pipelines(self) -> bool:
        """Whether an array element a pipelined loop reads and writes at one address is kept
        in a register for the loop (scalar promotion): Vitis HLS does (the UG871 matrixmul's
        ``res[i][j] +=`` over k pipelined reaches II 1 in bol-edu and sssh311318's Vitis
        reports), Vivado HLS does not (the same loop pipelined reads res every iteration, II 2,
        in nehagour-lab's 2017.2 and cpantel's 2018.2 reports; not pipelined, Vivado HLS
        2019.2 keeps it in a register: MukulSingh105's report has no read port on res)."""
        return not self.vivado

    @property
    def throughput_partition(self) -> bool:
        """Whether local arrays are partitioned to meet a pipeline's II: Vitis HLS's
        ``config_array_partition -throughput_driven auto`` default (UG1399
        "config_array_partition"); Vivado HLS partitions only what it is told to."""
        return not self.vivado

    def argument_ports(self, mode: str, storage: str | None) -> int:
        """RAM ports of a top-level array argument in interface ``mode`` (ap_memory, bram) with
        an optional storage type or core (ram_1p, RAM_2P_BRAM, ...)."""
        if storage:
            return storage_ports(storage)
        return 1 if mode == "bram" else 2


def storage_kind(storage: str | None, impl: str | None = None) -> str | None:
    """The RAM a storage binding names: "lut" (LUTRAM, RAM_1P_LUTRAM, impl=lutram), "block" (BRAM,
    URAM, RAM_2P_BRAM, impl=bram) or None (the tool picks by size)."""
    text = f"{storage or ''} {impl or ''}".lower()
    if "lutram" in text or "distram" in text:
        return "lut"
    return "block" if "bram" in text or "uram" in text else None


def storage_ports(storage: str) -> int:
    """Ports of a storage type or a Vivado HLS core name (RAM_1P_BRAM -> ram_1p -> 1)."""
    key = storage.lower()
    for name, ports in STORAGE_PORTS.items():
        if key.startswith(name):
            return ports
    return 2
