"""Design objects (validation table, choices, cross-field checks, JSON, fingerprint, C++ flags)
and the resource model computed from them."""

import dataclasses
import json
import math

import pytest

from simulator.hardware.designs import PARTS, Im2colDesign, MatmulDesign, SystolicDesign
from simulator.hardware.resources import Resources, bram18_count, buffer_cost, estimate_resources

PORT_DESIGNS = [MatmulDesign, Im2colDesign]  # the units the C++ builds
DESIGNS = [*PORT_DESIGNS, SystolicDesign]
# Cross-field checks that a boundary value would trip on its own: the base it is tried with.
BOUNDARY_BASE = {"burst_beats": {"axi_width_bits": 128}, "axi_width_bits": {"burst_beats": 4}}


def test_matmul_defaults_describe_the_reference_design():
    design = MatmulDesign()
    assert (
        design.clock_mhz,
        design.axi_width_bits,
        design.burst_beats,
        design.mem_latency_cycles,
    ) == (250.0, 512, 16, 64)
    assert design.part == "xcvu9p" and design.rounding == "floor" and design.buffering == "ping_pong"
    assert (design.bytes_per_beat, design.burst_bytes, design.n_buffers) == (64, 1024, 2)
    assert MatmulDesign(tile_v=12, tile_w=20).macs_per_cycle == 240  # the B tile is the PE array


def test_im2col_defaults_and_derived_quantities():
    design = Im2colDesign()
    assert (
        design.clock_mhz,
        design.axi_width_bits,
        design.burst_beats,
        design.mem_latency_cycles,
    ) == (250.0, 512, 16, 64)
    assert design.image_bytes == (design.max_src_m + 2) * (design.max_src_n + 2)
    assert design.max_k == 3 and design.buffering == "ping_pong"


@pytest.mark.parametrize("design_class", PORT_DESIGNS, ids=lambda cls: cls.__name__)
def test_a_built_design_holds_only_what_the_cpp_builds(design_class):
    """Fails when a field reaches no -D flag: a knob the C++ ignores (as SCALE-Sim's dataflow,
    interconnect and fold overlap were on MatmulDesign). The clock and the part are the
    synthesis settings of the project (create_clock, set_part), not flags."""
    fields = {field.name for field in dataclasses.fields(design_class)}
    carried = {field_name for _, field_name, *_ in design_class.MACROS if field_name}
    assert fields - carried == {"clock_mhz", "part"}
    assert carried <= fields


def test_systolic_designs_hold_scalesims_fields_apart_from_the_built_matmul():
    design = SystolicDesign(pe_rows=4, pe_cols=3, dataflow="weight_stationary")
    assert design.macs_per_cycle == 12
    assert SystolicDesign.from_json(json.dumps(design.to_json())) == design
    assert design.fingerprint() != SystolicDesign().fingerprint()
    with pytest.raises(TypeError, match="SystolicDesign.fold_overlap=1 must be a bool"):
        SystolicDesign(fold_overlap=1)
    with pytest.raises(ValueError, match="SystolicDesign.dataflow='os' is not one of"):
        SystolicDesign(dataflow="os")
    with pytest.raises(ValueError, match=r"MatmulDesign.from_json: unknown fields \['dataflow', 'pe_rows'\]"):
        MatmulDesign.from_json({"pe_rows": 32, "dataflow": "weight_stationary"})


@pytest.mark.parametrize(
    "design_class, name",
    [(cls, name) for cls in DESIGNS for name, (kind, _, _) in cls.FIELDS.items() if kind in (int, float)],
    ids=lambda value: value if isinstance(value, str) else value.__name__,
)
def test_every_numeric_field_rejects_values_outside_its_range(design_class, name):
    kind, lo, hi = design_class.FIELDS[name]
    base = BOUNDARY_BASE.get(name, {})
    for good in (lo, hi):
        assert getattr(design_class(**base, **{name: good}), name) == good
    step = 1 if kind is int else 0.5
    for bad in (lo - step, hi + step):
        with pytest.raises(ValueError, match=rf"{design_class.__name__}\.{name}={bad!r} is out of range; expected"):
            design_class(**base, **{name: bad})
    with pytest.raises(TypeError, match=rf"{design_class.__name__}\.{name}='3' must be"):
        design_class(**{name: "3"})
    with pytest.raises(TypeError, match=rf"{design_class.__name__}\.{name}=True must be"):
        design_class(**{name: True})


@pytest.mark.parametrize(
    "design_class, name",
    [(cls, name) for cls in DESIGNS for name in cls.CHOICES],
    ids=lambda value: value if isinstance(value, str) else value.__name__,
)
def test_every_choice_field_accepts_its_tuple_and_rejects_others(design_class, name):
    for choice in design_class.CHOICES[name]:
        assert getattr(design_class(**{name: choice}), name) == choice
    with pytest.raises(
        ValueError,
        match=rf"{design_class.__name__}\.{name}='nonsense' is not one of",
    ):
        design_class(**{name: "nonsense"})


@pytest.mark.parametrize(
    "kwargs, exception, fragment",
    [
        ({"clock_mhz": math.nan}, ValueError, "MatmulDesign.clock_mhz=nan is out of range"),
        (
            {"axi_width_bits": 48},
            ValueError,
            "axi_width_bits=48 is not a power of two; expected one of 32, 64",
        ),
        (
            {"burst_beats": 128},
            ValueError,
            "makes 8192-byte bursts; AXI4 bursts must not cross a 4 KB boundary",
        ),
        (
            {"tile_u": 0},
            ValueError,
            "MatmulDesign.tile_u=0 is out of range; expected an int in [1, 256]",
        ),
        ({"buffering": "double"}, ValueError, "MatmulDesign.buffering='double' is not one of"),
    ],
    ids=[
        "nan-clock",
        "width-not-power-of-two",
        "burst-over-4k",
        "zero-tile",
        "unknown-buffering",
    ],
)
def test_bad_matmul_designs_are_rejected_with_clear_messages(kwargs, exception, fragment):
    with pytest.raises(exception) as info:
        MatmulDesign(**kwargs)
    assert fragment in str(info.value)


def test_designs_are_frozen_and_replace_makes_a_new_one():
    design = MatmulDesign()
    with pytest.raises(dataclasses.FrozenInstanceError):
        design.tile_u = 8  # type: ignore[misc]
    smaller = dataclasses.replace(design, tile_u=8)
    assert smaller.tile_u == 8 and design.tile_u == 32
    with pytest.raises(ValueError, match="tile_u=0"):
        dataclasses.replace(design, tile_u=0)


@pytest.mark.parametrize("design_class", PORT_DESIGNS, ids=lambda cls: cls.__name__)
def test_json_round_trip_and_unknown_fields(design_class):
    design = dataclasses.replace(design_class(), axi_width_bits=256, buffering="single")
    text = json.dumps(design.to_json())
    assert design_class.from_json(text) == design == design_class.from_json(json.loads(text))
    assert design_class.from_json({}) == design_class()
    with pytest.raises(ValueError, match=r"unknown fields \['tile_x'\]"):
        design_class.from_json({"tile_x": 3})
    with pytest.raises(TypeError, match="expects a dict or JSON text"):
        design_class.from_json([1, 2])


def test_fingerprint_is_stable_and_tells_designs_apart():
    design = MatmulDesign()
    assert design.fingerprint() == MatmulDesign().fingerprint() == MatmulDesign(clock_mhz=250).fingerprint()
    assert len(design.fingerprint()) == 12
    assert dataclasses.replace(design, tile_u=16).fingerprint() != design.fingerprint()
    assert dataclasses.replace(design, rounding="nearest").fingerprint() != design.fingerprint()
    assert Im2colDesign().fingerprint() != design.fingerprint()


def test_cpp_defines_carry_every_design_parameter():
    matmul = MatmulDesign(
        tile_u=8,
        tile_v=16,
        tile_w=4,
        rounding="nearest",
        axi_ports="shared",
        buffering="single",
        axi_width_bits=128,
        requant_lanes=3,
        max_w=99,
        a_buffer_bytes=256,
        b_buffer_bytes=512,
    )
    assert matmul.cpp_defines() == {
        "TILE_U": 8,
        "TILE_V": 16,
        "TILE_W": 4,
        "ROUNDING_NEAREST": 1,
        "REQUANT_LANES": 3,
        "MAX_W": 99,
        "A_BUFFER_BYTES": 256,
        "B_BUFFER_BYTES": 512,
        "AXI_WIDTH_BITS": 128,
        "BURST_BEATS": 16,
        "MAX_OUTSTANDING": 16,
        "MEM_LATENCY_CYCLES": 64,
        "BUFFERING_PING_PONG": 0,
        "AXI_PORTS_SHARED": 1,
    }
    assert Im2colDesign(max_src_m=7, max_src_n=100, max_k=5).cpp_defines() == {
        "MAX_SRC_M": 7,
        "MAX_SRC_N": 100,
        "MAX_K": 5,
        "AXI_WIDTH_BITS": 512,
        "BURST_BEATS": 16,
        "MAX_OUTSTANDING": 16,
        "MEM_LATENCY_CYCLES": 64,
        "BUFFERING_PING_PONG": 1,
        "AXI_PORTS_SHARED": 0,
    }


def test_design_hpp_checks_the_ranges_and_defaults_of_the_design_objects():
    """design.hpp's static_asserts repeat the FIELDS ranges of every number in the designs'
    MACROS tables (so a hand-written -D flag cannot build a kernel the models do not describe),
    its defaults are the default designs', and it defines exactly the tables' macros."""
    import re
    from pathlib import Path

    header = (Path(__file__).resolve().parents[2] / "hls_src/common/design.hpp").read_text()
    asserted = {
        name: (int(lo), int(hi))
        for name, lo, hi in re.findall(r"static_assert\((\w+) >= (\d+) && \w+ <= (\d+)", header)
    }
    defaults = {name: int(value) for name, value in re.findall(r"^#define (\w+) (\d+)$", header, re.MULTILINE)}
    for design in (MatmulDesign(), Im2colDesign()):
        for macro, field_name, *choice in design.MACROS:
            if field_name is not None and not choice:
                _, lo, hi = design.FIELDS[field_name]
                assert asserted[macro] == (lo, hi), macro
        for macro, value in design.cpp_defines().items():
            if macro != "AXI_PORTS_SHARED":  # a build-wide default: im2col always builds it 0
                assert defaults[macro] == value, macro
    names = set(re.findall(r"^#ifndef (\w+)$", header, re.MULTILINE)) - {"CNNACC_COMMON_DESIGN_HPP"}
    assert names == set(MatmulDesign().cpp_defines()) | set(Im2colDesign().cpp_defines())


def test_cycles_convert_to_microseconds_at_the_design_clock():
    assert MatmulDesign().cycles_to_us(250) == 1.0
    assert Im2colDesign(clock_mhz=100).cycles_to_us(250) == 2.5


# ---------------------------------------------------------------------------- resources


@pytest.mark.parametrize(
    "depth, width, expected",
    [
        (512, 36, 1),
        (513, 36, 2),
        (2048, 8, 1),
        (4096, 8, 2),
        (1024, 32, 2),
        (16384, 1, 1),
        (100, 72, 2),
    ],
)
def test_bram18_count_takes_the_best_aspect_ratio(depth, width, expected):
    assert bram18_count(depth, width) == expected


def test_buffer_cost_picks_registers_lutram_or_bram_by_bank_size():
    # 64 elements in 64 banks: one word each, registers
    assert buffer_cost(64, 8, 64, 2) == {
        "dsp": 0,
        "bram_18k": 0,
        "uram": 0,
        "lut": 0,
        "ff": 64 * 8 * 2,
    }
    # 128 x 8 bits in one bank = 1024 bits: LUTRAM, 8 * ceil(128/64) * ceil(8/7) = 32 LUTs
    assert buffer_cost(128, 8, 1, 1)["lut"] == 32
    # 4096 x 8 bits in 2 banks of 2048 x 8: one BRAM_18K each, times 2 copies
    assert buffer_cost(4096, 8, 2, 2)["bram_18k"] == 4


def test_matmul_resources_follow_the_docstring_formulas():
    design = MatmulDesign(tile_v=8, tile_w=5, requant_lanes=3, axi_ports="separate")
    resources = estimate_resources(design)
    assert resources.breakdown["pe_array"]["dsp"] == 8 * 3  # two MACs per DSP48E2 along a row of 5
    assert resources.breakdown["zero_points"]["dsp"] == 5 + 1  # Za colsum per column, Zb rowsum
    assert resources.breakdown["requantizer"]["dsp"] == 3 * 3  # acc * M0 per lane
    assert resources.dsp == 8 * 3 + 6 + 3 * 3
    assert resources.breakdown["axi"]["lut"] == 3 * (1800 + 2 * 512)
    assert resources.lut == sum(counts["lut"] for counts in resources.breakdown.values())


def test_default_designs_fit_the_xcvu9p_and_report_percentages():
    for design in (MatmulDesign(), Im2colDesign()):
        resources = estimate_resources(design)
        assert resources.fits
        assert resources.utilization_percent["dsp"] == pytest.approx(100 * resources.dsp / PARTS["xcvu9p"]["dsp"])
        assert Resources.from_json(json.loads(json.dumps(resources.to_json()))) == resources


def test_a_large_array_does_not_fit_a_small_part():
    resources = estimate_resources(MatmulDesign(part="xc7z020", tile_v=64, tile_w=64))
    assert not resources.fits and resources.utilization_percent["dsp"] > 100


def test_estimate_resources_rejects_other_objects():
    with pytest.raises(TypeError, match="must be a MatmulDesign or an Im2colDesign; got dict"):
        estimate_resources({})
