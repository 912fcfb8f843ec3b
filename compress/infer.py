"""``cnnacc infer``: an exported integer network on the simulated accelerator.

Runs integer-only inference (Numba kernels, or the HLS C++ through sw_emu) on the test
set, compares its predictions with the PyTorch integer simulation of the same export
(compress.quantize.integer_forward, the "fake-quantized" model), and adds the per-layer
cycles of the simulated accelerator.
"""

from __future__ import annotations

import time

import numpy as np
from tqdm import tqdm

from compress.data import Split, load_dataset
from compress.quantize import integer_predict
from simulator.contract.numerics import check_choice, check_int
from simulator.network.export import load_network
from simulator.network.network import ENGINES, run_network
from simulator.network.network_timing import BATCH_MAX, network_timing

ARCHITECTURES = ("layers", "dataflow")
DATAFLOW_BATCH = 500  # images a run of the dataflow testbench takes


def infer_export(
    path,
    *,
    engine: str = "numba",
    limit: int | None = None,
    data_dir=None,
    progress: bool = True,
    batch: int = 1,
    design=None,
    dataset: str = "fashion-mnist",
    architecture: str = "layers",
) -> dict:
    """Accuracy, agreement with the torch model, wall time, and the simulated cycles of the
    export. ``architecture`` "layers": per-layer calls of the matmul kernel on ``design`` (a
    MatmulDesign; default the reference design) for batches of ``batch`` images, engine sw_emu
    the kernels' C++; "dataflow": the whole network as one DATAFLOW accelerator folded by
    ``simulator.network.dataflow_fold`` (latency, interval, resources), engine sw_emu its
    generated C++. A design whose tiles differ from the export's layout is refused (ValueError)
    before anything runs."""
    check_choice("infer: engine", engine, ENGINES)
    check_choice("infer: architecture", architecture, ARCHITECTURES)
    check_int("infer", "batch", batch, 1, BATCH_MAX)
    net = load_network(path)
    if architecture == "dataflow":
        from simulator.network.dataflow_fold import estimate, search_folding

        found = estimate(net, search_folding(net))
        timing = found.to_json()
    else:
        timing = network_timing(net, design, batch=batch).to_json()
    test = load_dataset(dataset, "test", data_dir)
    if test.images.shape[1:] != tuple(net.input_shape):
        raise ValueError(f"infer: {dataset} images are {test.images.shape[1:]}; the export takes {net.input_shape}")
    if limit is not None:
        check_int("infer", "limit", limit, 1, len(test))
        test = Split(test.images[:limit], test.labels[:limit], test.classes)
    bar = tqdm(total=len(test), desc=f"integer inference ({engine})", unit="img", disable=not progress)
    start = time.perf_counter()
    if architecture == "dataflow" and engine == "sw_emu":
        from simulator.network.dataflow_run import run_dataflow_layers

        parts = []
        for first in range(0, len(test), DATAFLOW_BATCH):
            parts.append(run_dataflow_layers(net, found.design, test.images[first : first + DATAFLOW_BATCH])[-1])
            bar.update(len(parts[-1]))
        codes = np.concatenate(parts)
    else:
        codes = run_network(net, test.images, engine=engine, progress=bar.update)
    seconds = time.perf_counter() - start
    bar.close()
    predictions = codes.argmax(1)
    reference = integer_predict(net, test)
    result = {
        "export": str(path),
        "engine": engine,
        "architecture": architecture,
        "images": len(test),
        "accuracy": float((predictions == test.labels).mean()),
        "fake_quant_accuracy": float((reference == test.labels).mean()),
        "agreement": float((predictions == reference).mean()),
        "seconds": seconds,
    }
    if architecture == "dataflow":
        return result | {
            "dataflow": timing,
            "timing_model": "the generated C++ read statically, and SimPy over its streams",
        }
    return result | {
        "batch": batch,
        "latency_cycles_per_image": timing["latency_cycles_per_image"],
        "latency_us_per_image": timing["latency_us_per_image"],
        "cycles_per_image": timing["cycles_per_image"],
        "bound_cycles_per_image": timing["bound_cycles_per_image"],
        "images_per_second_simulated": timing["images_per_second"],
        "throughput_images_per_s_simulated": timing["throughput_images_per_s_simulated"],
        "clock_mhz": timing["clock_mhz"],
        "timing_model": "SimPy model of the HLS C++ (static loop schedule + AXI outstanding requests): an estimate",
        "layers": timing["layers"],
    }
