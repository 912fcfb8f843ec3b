"""The whole network as one DATAFLOW accelerator: its units' shapes and its generated C++.

``write_project(net, design, folder)`` writes a Vitis HLS project that builds the network from
the templates of hls_src/dataflow/dataflow.hpp: ``network.hpp`` (every layer's weights and
requantization constants as on-chip ROMs, one word per fold, and its zero points and clamps),
``network.cpp`` (the DATAFLOW top, ``network_top``: one unit per layer, its shape and folding
as template arguments, joined by streams of feature-map rows, each ROM bound to the storage
``rom_storage`` chooses), ``network_tb.cpp`` (a testbench that runs the units one by one
and writes every layer's codes, then checks the top against them), the headers they include,
``hls_config.cfg`` and ``folding.json``.

What it builds: 3x3 convolutions (stride 1, pad 1 with the input zero point), each with an
optional 2x2 max-pool, then fully connected layers; weights of up to 8 bits as uint8 codes and
activations of 1 to 8 bits (the requantizer clamps to [floor, 2^b - 1], so the W4A4 model runs).
Anything else is refused in one line naming the layer.

Orders: a conv unit reads its taps as (kr, kc, c) and its input rows pixel-major (h, w, c),
so the weights are reordered from (out, c, kr, kc); the first fully connected layer reads the
pooled rows in arrival order (h, w, c), so its columns are reordered from torch's flatten
(c, h, w). The integers are the same: only the order of a sum changes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from simulator import atomic
from simulator.emulation.sw_emu_build import HLS_SRC
from simulator.hardware.dataflow_design import DataflowDesign
from simulator.hardware.resources import rom_storage
from simulator.network.network import IntegerLayer, IntegerNetwork

HEADERS = ("common/arith.hpp", "common/design.hpp", "common/wide.hpp", "dataflow/dataflow.hpp")
TOP = "network_top"


class DataflowError(ValueError):
    """A network or a folding the dataflow accelerator cannot build (one line)."""


@dataclass(frozen=True, slots=True)
class UnitShape:
    """What one layer's unit reads and writes, in stream words (feature-map rows).

    conv: an ``height`` x ``width`` x ``channels`` input, ``taps`` = 9 channels, ``out``
    channels, output rows of ``out_width`` pixels (pooled: half); fc: ``rows`` words of ``row``
    codes in (``taps`` = rows x row inputs), one word of ``out`` codes out."""

    name: str
    kind: str
    channels: int
    height: int
    width: int
    out: int
    pool: bool

    @property
    def taps(self) -> int:
        return 9 * self.channels if self.kind == "conv" else self.channels * self.height * self.width

    @property
    def rows(self) -> int:
        """Words read per image."""
        return self.height

    @property
    def row(self) -> int:
        """Codes per word read."""
        return self.width * self.channels

    @property
    def out_height(self) -> int:
        if self.kind == "fc":
            return 1
        return self.height // 2 if self.pool else self.height

    @property
    def out_width(self) -> int:
        if self.kind == "fc":
            return 1
        return self.width // 2 if self.pool else self.width

    @property
    def out_row(self) -> int:
        """Codes per word written."""
        return self.out_width * self.out


def unit_shapes(net: IntegerNetwork) -> tuple[UnitShape, ...]:
    """The units of ``net``, checked: convolutions (3x3) first, then fully connected layers,
    each reading what the one before it writes; weights of <= 8 bits, activations of 1-8 bits."""
    channels, height, width = net.input_shape
    shapes = []
    seen_fc = False
    for layer in net.layers:
        _check_codes(layer)
        if layer.kind == "conv":
            if seen_fc:
                raise DataflowError(f"layer {layer.name}: a convolution after a fully connected layer is not built")
            if layer.weight_q.ndim != 4 or layer.weight_q.shape[1:] != (channels, 3, 3):
                raise DataflowError(
                    f"layer {layer.name}: weights of shape {layer.weight_q.shape}; "
                    f"expected ({layer.out_features}, {channels}, 3, 3) (3x3 over {channels} channels)"
                )
            shape = UnitShape(layer.name, "conv", channels, height, width, layer.out_features, bool(layer.pool))
            channels, height, width = layer.out_features, shape.out_height, shape.out_width
        else:
            seen_fc = True
            if layer.in_features != channels * height * width:
                raise DataflowError(
                    f"layer {layer.name}: {layer.in_features} inputs; the layer before writes "
                    f"{channels * height * width} ({channels} x {height} x {width})"
                )
            shape = UnitShape(layer.name, "fc", channels, height, width, layer.out_features, False)
            channels, height, width = layer.out_features, 1, 1
        shapes.append(shape)
    return tuple(shapes)


def _check_codes(layer: IntegerLayer) -> None:
    if layer.weight_q.dtype != np.uint8 or layer.weight_bits > 8:
        raise DataflowError(
            f"layer {layer.name}: {layer.weight_bits}-bit weights ({layer.weight_q.dtype}); "
            "the dataflow units take weights of at most 8 bits"
        )
    if not 1 <= layer.activation_bits <= 8:
        raise DataflowError(f"layer {layer.name}: {layer.activation_bits}-bit activations; expected 1 to 8 bits")
    if not layer.name.isidentifier():
        raise DataflowError(f"layer name {layer.name!r} is not a C++ identifier")


def check_design(shapes: tuple[UnitShape, ...], design: DataflowDesign) -> None:
    """Each fold fits its layer: pe divides the output channels; simd divides the taps of a
    fully connected layer, and for a convolution divides its channels or is 3 or 9 times
    them (one kernel position's channels, a kernel row, the window: ``fold_positions`` of
    dataflow.hpp); columns divides a convolution's width (1 for a fully connected layer)."""
    if len(design.folds) != len(shapes):
        raise DataflowError(f"the design has {len(design.folds)} folds; the network has {len(shapes)} layers")
    for shape, fold in zip(shapes, design.folds):
        for field, value, allowed, what in (
            ("pe", fold.pe, divisors(shape.out), f"its {shape.out} output channels"),
            ("simd", fold.simd, simd_choices(shape), f"its {shape.taps} taps"),
            ("columns", fold.columns, divisors(shape.width if shape.kind == "conv" else 1), "its output columns"),
        ):
            if value not in allowed:
                raise DataflowError(
                    f"layer {shape.name}: {field}={value} does not fit {what}; expected one of {allowed}"
                )


def simd_choices(shape: UnitShape) -> list[int]:
    """The taps a unit can take a cycle (``check_design``)."""
    if shape.kind == "fc":
        return divisors(shape.taps)
    return sorted(set(divisors(shape.channels)) | {3 * shape.channels, 9 * shape.channels})


def divisors(n: int) -> list[int]:
    return [d for d in range(1, n + 1) if n % d == 0]


def unit_weights(layer: IntegerLayer, shape: UnitShape) -> np.ndarray:
    """The weight matrix (out, taps) in the order the unit reads its inputs."""
    if shape.kind == "conv":  # (out, c, kr, kc) -> taps (kr, kc, c)
        return np.ascontiguousarray(layer.weight_q.transpose(0, 2, 3, 1).reshape(shape.out, -1))
    matrix = layer.weight_matrix
    grid = (shape.out, shape.channels, shape.height, shape.width)  # torch's flatten (c, h, w) -> rows (h, w, c)
    return np.ascontiguousarray(matrix.reshape(grid).transpose(0, 2, 3, 1).reshape(shape.out, -1))


def _per_channel(value, channels: int) -> np.ndarray:
    return np.broadcast_to(np.asarray(value, np.int64), (channels,))


def _values(array: np.ndarray) -> str:
    return ", ".join(map(str, np.asarray(array).ravel().tolist()))


def fold_words(matrix: np.ndarray, fold) -> np.ndarray:
    """A unit's weight matrix (out, taps) as its ROM: one word of pe x simd weights per fold,
    word nf (taps / simd) + sf holding channels nf pe .. + pe - 1 (pe-major) at taps sf simd .. + simd - 1."""
    out, taps = matrix.shape
    grid = matrix.reshape(out // fold.pe, fold.pe, taps // fold.simd, fold.simd)
    return np.ascontiguousarray(grid.transpose(0, 2, 1, 3).reshape(-1, fold.pe * fold.simd))


def folded_bias(layer: IntegerLayer, shape: UnitShape) -> np.ndarray:
    """The bias ROM of a unit: bias - Z_x sum_t w_t + K Z_x Z_w per output channel, the zero-point
    terms of Jacob et al. 2018 eq. 7-8 that do not depend on the input (``dot`` in
    dataflow.hpp adds the rest: sum x w - Z_w sum x). int32, or a DataflowError."""
    weights = unit_weights(layer, shape).astype(np.int64)
    zx, zw = int(layer.input_zero_point), int(layer.weight_zero_point)
    bias = np.asarray(layer.bias_q, np.int64) - zx * weights.sum(axis=1) + shape.taps * zx * zw
    if bias.min() < np.iinfo(np.int32).min or bias.max() > np.iinfo(np.int32).max:
        raise DataflowError(f"layer {layer.name}: its bias with the zero-point terms leaves int32")
    return bias


def _c_array(ctype: str, name: str, array: np.ndarray, values: bool = True) -> str:
    """A 2-D ROM; without ``values`` its declaration only (what the reader times is the same)."""
    declaration = f"static const {ctype} {name}[{array.shape[0]}][{array.shape[1]}]"
    if not values:
        return declaration + " = {};"
    rows = ",\n    ".join("{" + _values(row) + "}" for row in array)
    return f"{declaration} = {{\n    {rows}}};"


def _layer_constants(layer: IntegerLayer, shape: UnitShape, fold, nearest: bool, values: bool) -> str:
    p, folds = layer.name, (shape.out // fold.pe, fold.pe)
    quant = ", ".join(
        map(str, (layer.input_zero_point, layer.weight_zero_point, layer.output_zero_point, layer.output_floor))
    )
    return "\n".join(
        [
            f"// {p}: {layer.kind}, {shape.out} outputs of {shape.taps} taps, "
            f"W{layer.weight_bits}A{layer.activation_bits}; {fold.pe} x {fold.simd} x {fold.columns} MACs a cycle",
            _c_array("uint8_t", f"{p}_weights", fold_words(unit_weights(layer, shape), fold), values),
            _c_array("int32_t", f"{p}_bias", folded_bias(layer, shape).reshape(folds), values),
            _c_array("uint32_t", f"{p}_m0", _per_channel(layer.M0, shape.out).reshape(folds), values),
            _c_array("uint32_t", f"{p}_shift", _per_channel(layer.n, shape.out).reshape(folds), values),
            f"static const cnnacc::dataflow::quant {p}_quant = "
            f"{{{quant}, {layer.output_qmax}, {str(nearest).lower()}}};",
        ]
    )


def network_header(net: IntegerNetwork, design: DataflowDesign, values: bool = True) -> str:
    """network.hpp: every layer's ROMs (weights and requantization constants, one word per
    fold) and quantization constants for the units of ``dataflow.hpp``; without ``values`` the
    ROMs are declared empty (for timing: the reader needs their shapes, not their contents)."""
    shapes = unit_shapes(net)
    check_design(shapes, design)
    nearest = net.rounding == "nearest"
    units = zip(net.layers, shapes, design.folds)
    constants = [_layer_constants(layer, shape, fold, nearest, values) for layer, shape, fold in units]
    first, last = shapes[0], shapes[-1]
    return "\n".join(
        [
            "// The network's layers for the dataflow units of dataflow.hpp; generated by cnnacc dataflow.",
            "#ifndef CNNACC_NETWORK_HPP",
            "#define CNNACC_NETWORK_HPP",
            "",
            "#include <cstdint>",
            "",
            '#include "dataflow.hpp"',
            "",
            f"constexpr int IN_ROWS = {first.rows}, IN_ROW = {first.row};  // an image: rows of (w, c) codes",
            f"constexpr int CLASSES = {last.out};",
            "",
            "\n\n".join(constants),
            "",
            f"void {TOP}(cnnacc::stream<cnnacc::bytes_t<IN_ROW>>& image, "
            "cnnacc::stream<cnnacc::bytes_t<CLASSES>>& scores);",
            "",
            "#endif  // CNNACC_NETWORK_HPP",
            "",
        ]
    )


def _stream_type(codes: int) -> str:
    return f"cnnacc::stream<cnnacc::bytes_t<{codes}>>"


def _unit_call(layer: IntegerLayer, shape: UnitShape, fold, source: str, target: str) -> str:
    """The call of a layer's unit: its shape and folding as template arguments, its ROMs."""
    if shape.kind == "conv":
        pool = str(shape.pool).lower()
        image = f"{shape.channels}, {shape.height}, {shape.width}"
        unit = f"conv_unit<{image}, {shape.out}, {fold.pe}, {fold.simd}, {fold.columns}, {pool}>"
    else:
        unit = f"fc_unit<{shape.rows}, {shape.row}, {shape.out}, {fold.pe}, {fold.simd}>"
    roms = ", ".join(f"{layer.name}_{rom}" for rom in ("weights", "bias", "m0", "shift", "quant"))
    return f"cnnacc::dataflow::{unit}({source}, {target}, {roms});"


def top_source(net: IntegerNetwork, design: DataflowDesign) -> str:
    """network.cpp: the DATAFLOW top, one unit per layer joined by streams."""
    shapes = unit_shapes(net)
    check_design(shapes, design)
    streams, calls = [], []
    source = "image"
    depths = design.fifo_depths or (2,) * (len(shapes) - 1)
    for index, (layer, shape, fold) in enumerate(zip(net.layers, shapes, design.folds)):
        target = "scores" if index == len(shapes) - 1 else f"{layer.name}_out"
        if target != "scores":
            streams.append(f"    {_stream_type(shape.out_row)} {target};")
            streams.append(f"#pragma HLS STREAM variable = {target} depth = {depths[index]}")
        words = fold_words(unit_weights(layer, shape), fold).shape
        storage = rom_storage(words[0], 8 * words[1], design.part)[0]
        streams.append(f"#pragma HLS BIND_STORAGE variable = {layer.name}_weights type = rom_1p impl = {storage}")
        calls.append(f"    {_unit_call(layer, shape, fold, source, target)}")
        source = target
    return "\n".join(
        [
            "// The network as one DATAFLOW region of per-layer units; generated by cnnacc dataflow.",
            '#include "network.hpp"',
            "",
            f"void {TOP}(cnnacc::stream<cnnacc::bytes_t<IN_ROW>>& image, "
            "cnnacc::stream<cnnacc::bytes_t<CLASSES>>& scores) {",
            "#pragma HLS INTERFACE axis port = image",
            "#pragma HLS INTERFACE axis port = scores",
            "#pragma HLS INTERFACE ap_ctrl_none port = return",
            "#pragma HLS DATAFLOW",
            *streams,
            *calls,
            "}",
            "",
        ]
    )


def testbench_source(net: IntegerNetwork, design: DataflowDesign) -> str:
    """network_tb.cpp: ``network_tb IMAGES.bin N OUT.bin`` runs each unit in turn on each image
    (rows of (h, w, c) codes), writes every layer's output words to OUT.bin, and checks the
    DATAFLOW top's scores against the last layer's; exit 1 on a difference."""
    shapes = unit_shapes(net)
    body = []
    source = "image"
    for layer, shape, fold in zip(net.layers, shapes, design.folds):
        target = f"{layer.name}_out"
        body += [
            f"        {_stream_type(shape.out_row)} {target}, {target}_next;",
            f"        {_unit_call(layer, shape, fold, source, target)}",
            f"        tap({target}, {shape.out_height}, output, {target}_next);",
        ]
        source = f"{target}_next"
    return "\n".join(
        [
            "// Runs every unit of the network on images from a file; generated by cnnacc dataflow.",
            "#include <cstdio>",
            "#include <cstdlib>",
            "#include <cstring>",
            "",
            '#include "network.hpp"',
            "",
            "// Moves `words` words from `from` to `to`, writing each to `file`.",
            "template <int N>",
            "void tap(cnnacc::stream<cnnacc::bytes_t<N>>& from, int words, std::FILE* file, "
            "cnnacc::stream<cnnacc::bytes_t<N>>& to) {",
            "    for (int i = 0; i < words; ++i) {",
            "        const cnnacc::bytes_t<N> word = from.read();",
            "        std::fwrite(word.v, 1, N, file);",
            "        to.write(word);",
            "    }",
            "}",
            "",
            "int main(int argc, char** argv) {",
            "    if (argc != 4) {",
            '        std::fprintf(stderr, "usage: %s IMAGES.bin N OUT.bin\\n", argv[0]);',
            "        return 2;",
            "    }",
            '    std::FILE* input = std::fopen(argv[1], "rb");',
            '    std::FILE* output = std::fopen(argv[3], "wb");',
            "    const long images = std::atol(argv[2]);",
            "    if (input == nullptr || output == nullptr) {",
            '        std::fprintf(stderr, "network_tb: cannot open %s or %s\\n", argv[1], argv[3]);',
            "        return 2;",
            "    }",
            "    long mismatches = 0;",
            "    for (long n = 0; n < images; ++n) {",
            "        cnnacc::stream<cnnacc::bytes_t<IN_ROW>> image, image_again;",
            "        for (int r = 0; r < IN_ROWS; ++r) {",
            "            cnnacc::bytes_t<IN_ROW> word;",
            "            if (std::fread(word.v, 1, IN_ROW, input) != IN_ROW) {",
            '                std::fprintf(stderr, "network_tb: %s holds fewer than %ld images\\n", argv[1], images);',
            "                return 2;",
            "            }",
            "            image.write(word);",
            "            image_again.write(word);",
            "        }",
            *body,
            "        cnnacc::stream<cnnacc::bytes_t<CLASSES>> scores;",
            f"        {TOP}(image_again, scores);",
            "        const cnnacc::bytes_t<CLASSES> top = scores.read();",
            f"        const cnnacc::bytes_t<CLASSES> last = {source}.read();",
            "        mismatches += std::memcmp(top.v, last.v, CLASSES) != 0;",
            "    }",
            "    std::fclose(input);",
            "    if (std::fclose(output) != 0) {",
            '        std::fprintf(stderr, "network_tb: cannot write %s\\n", argv[3]);',
            "        return 2;",
            "    }",
            "    if (mismatches) {",
            '        std::fprintf(stderr, "network_tb: the DATAFLOW top differs on %ld images\\n", mismatches);',
            "        return 1;",
            "    }",
            '    std::printf("PASS %ld images\\n", images);',
            "    return 0;",
            "}",
            "",
        ]
    )


def hls_config(design: DataflowDesign) -> str:
    """hls_config.cfg of the Vitis unified flow (UG1399 "HLS Config File Commands")."""
    return "\n".join(
        [
            "# The network as one DATAFLOW accelerator; generated by cnnacc dataflow.",
            "#   vitis-run --mode hls --csynth --config hls_config.cfg --work_dir work",
            f"part={design.part}",
            f"clock={1000.0 / design.clock_mhz:g}ns",
            "flow_target=vivado",
            "",
            "syn.file=network.cpp",
            f"syn.top={TOP}",
            "",
        ]
    )


def write_project(net: IntegerNetwork, design: DataflowDesign, folder: str | Path, values: bool = True) -> Path:
    """Write the Vitis HLS project of ``net`` folded as ``design`` into ``folder``; every file
    is generated before the first is written, each written atomically. Without ``values`` the
    ROMs are declared empty (``network_header``): a project to time, not to build."""
    folder = Path(folder)
    layers = [layer.name for layer in net.layers]
    files = {
        "network.hpp": network_header(net, design, values),
        "network.cpp": top_source(net, design),
        "network_tb.cpp": testbench_source(net, design),
        "hls_config.cfg": hls_config(design),
        "folding.json": json.dumps({"design": design.to_json(), "layers": layers}, indent=2) + "\n",
    }
    for header in HEADERS:
        files[Path(header).name] = (HLS_SRC / header).read_text()
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        atomic.write_text(folder / name, text)
    return folder


__all__ = [
    "DataflowError",
    "TOP",
    "UnitShape",
    "check_design",
    "simd_choices",
    "network_header",
    "testbench_source",
    "top_source",
    "unit_shapes",
    "unit_weights",
    "write_project",
]
