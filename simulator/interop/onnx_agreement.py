"""Agreement with ONNX Runtime: our integer engine against the runtime of the ONNX file, on the
same images, layer by layer.

- ``runtime_agreement(net, images)``: our own export (``onnx_model.to_onnx``), run by ONNX
  Runtime and by our engine, chained and layer by layer alone;
- ``producer_agreement(path, images)``: another quantizer's model (ONNX Runtime's QDQ or
  QOperator file), run by ONNX Runtime on the float images / 255 it was calibrated for, and
  its import (``onnx_model.load_onnx``) by our engine on the uint8 images: identical
  predictions, and per layer the share of output codes identical and within one code (the
  producer requantizes through float, rounding half to even; the contract through M0 and n).
"""

from __future__ import annotations

import numpy as np

from simulator.interop.onnx_model import load_onnx, to_onnx
from simulator.interop.onnx_normalize import normalize
from simulator.network.network import IntegerNetwork, run_layers


def _compare(theirs: np.ndarray, ours: np.ndarray) -> dict:
    difference = np.abs(theirs.astype(np.int64) - ours.reshape(theirs.shape).astype(np.int64))
    return {
        "identical": float((difference == 0).mean()),
        "within_one": float((difference <= 1).mean()),
        "max": int(difference.max()),
    }


def runtime_agreement(net: IntegerNetwork, images: np.ndarray) -> dict:
    """ONNX Runtime (CPU) on ``to_onnx(net)`` against our engine (``run_layers``) on uint8
    ``images``: the share of identical predictions, and per layer the share of output codes
    identical and within one code, chained (each engine feeds its own codes on) and alone
    (ONNX Runtime runs the layer on our codes of the layer before)."""
    import onnxruntime as ort

    from simulator.network.network import run_layers

    def session(network: IntegerNetwork):
        model = to_onnx(network, intermediate=True).SerializeToString()
        return ort.InferenceSession(model, providers=["CPUExecutionProvider"])

    theirs = session(net).run(None, {"input": images})
    ours = run_layers(net, images)
    layers = {}
    inputs = images
    for layer, chained, mine in zip(net.layers, theirs[1:], ours):
        shape = tuple(inputs.shape[1:]) + (1,) * (4 - inputs.ndim)
        alone = IntegerNetwork(layers=(layer,), input_shape=shape, rounding=net.rounding)  # type: ignore[arg-type]
        isolated = session(alone).run(None, {"input": inputs.reshape(len(inputs), *shape)})[0]
        layers[layer.name] = {"chained": _compare(chained, mine), "alone": _compare(isolated, mine)}
        inputs = mine.reshape(len(mine), *chained.shape[1:])
    predictions = float((theirs[0].argmax(1) == ours[-1].argmax(1)).mean())
    return {"images": len(images), "rounding": net.rounding, "predictions": predictions, "layers": layers}


def producer_agreement(path, images: np.ndarray) -> dict:
    """ONNX Runtime on the model at ``path`` (float input: ``images`` / 255) against our
    engine on its import (module docstring); codes of signed producers are compared offset by
    128, as the import maps them."""
    import onnx
    import onnxruntime as ort

    net = load_onnx(path)
    source = onnx.load(str(path))
    _, layer_tensors = normalize(source)
    known = {value.name for value in source.graph.output}
    source.graph.output.extend(onnx.ValueInfoProto(name=name) for name in layer_tensors if name not in known)
    session = ort.InferenceSession(source.SerializeToString(), providers=["CPUExecutionProvider"])
    feed = {session.get_inputs()[0].name: images.astype(np.float32) / 255.0}
    outputs = dict(zip([o.name for o in session.get_outputs()], session.run(None, feed)))
    ours = run_layers(net, images)
    layers = {}
    for layer, name, mine in zip(net.layers, layer_tensors, ours):
        theirs = outputs[name]
        if theirs.dtype == np.int8:
            theirs = theirs.astype(np.int16) + 128
        layers[layer.name] = _compare(theirs, mine)
    theirs = outputs[source.graph.output[0].name].reshape(len(images), -1).argmax(1)
    mine = ours[-1].argmax(1)
    return {
        "images": len(images),
        "rounding": net.rounding,
        "predictions": float((theirs == mine).mean()),
        "layers": layers,
        "their_predictions": theirs,
        "our_predictions": mine,
    }


__all__ = ["producer_agreement", "runtime_agreement"]
