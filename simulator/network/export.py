"""The export format of an integer network (spec Part 1 Step 3): .npz + JSON manifest.

An export named NAME is a folder holding

- ``weights.npz``: for every layer L (in execution order) its weights and ``L.bias_q``
  (int32, scale S_in * S_w). The weight matrix W (out x in: conv (C_out, C_in*9) with
  columns ordered (c, kr, kc) like im2col's rows; fc (out, in) with inputs ordered (c, h, w)
  as torch's flatten) is stored as the accelerator reads it: ``L.weight_device``, the 1-D
  device image of the layer's mapping (``simulator.network.mapping``: W tiled as the matmul's A, or
  W^T tiled as its B, for the recorded tile shape), each tile one contiguous burst train; a
  layer without a mapping stores ``L.weight_q`` row-major, shape ``weight_shape``.
- ``manifest.json``: format name and version, layer order, and for each layer its kind,
  shapes, dtypes, the SHA-256 of every array, and the numbers integer-only inference needs:
  weight scale / zero point / bits, input and output activation scale / zero point / bits,
  requantization M0 and n, ReLU and pooling flags, the weights' shape and the mapping
  (orientation and tile shape); plus the rounding mode and input shape. A layer with
  per-channel weights (format 4) gives its weight scale, M0 and n as lists of one value per
  output channel.
- Weights of fewer than 8 bits (format 3) are stored packed, ``L.weight_packed``: the codes of
  the device image (or of ``weight_q``) end to end at ``weight_bits`` bits each
  (``simulator.contract.packing``), and the layer's ``packed`` entry names the array they unpack to and
  its shape. A 4-bit layer takes half the bytes on disk, a 2-bit layer a quarter. A device image that
  does not match its recorded layout (size or padding) is refused.

Both files are written atomically (temporary file, then os.replace) and the folder is
complete only when the manifest exists; ``load_network`` refuses a truncated, tampered or
mismatched export with a message naming the file and the difference. NumPy and JSON only:
the simulator never needs torch.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile
from pathlib import Path

import numpy as np

from simulator import atomic
from simulator.contract.packing import pack_codes, unpack_codes
from simulator.network.mapping import LayerMapping, device_weights, weights_from_device
from simulator.network.network import LAYER_KINDS, IntegerLayer, IntegerNetwork

FORMAT = "cnnacc-integer-network"
FORMAT_VERSION = 4  # 3: weights of fewer than 8 bits stored packed; 4: per-channel multipliers
READABLE_VERSIONS = (2, 3, 4)
SCALAR_FIELDS = (
    "weight_scale",
    "weight_zero_point",
    "weight_bits",
    "input_scale",
    "input_zero_point",
    "output_scale",
    "output_zero_point",
    "activation_bits",
    "M0",
    "n",
    "relu",
    "pool",
)
CHANNEL_FIELDS = {"weight_scale": np.float64, "M0": np.int64, "n": np.int64}  # a list per channel, or one value


def field_json(value):
    """A manifest value: a per-channel array as a list of numbers."""
    return value.tolist() if isinstance(value, np.ndarray) else value


def field_value(entry: dict, field: str, channels: int):
    """A field of a layer's manifest entry; a per-channel list as an array of ``channels``."""
    value = entry[field]
    if not isinstance(value, list):
        return value
    if field not in CHANNEL_FIELDS or len(value) != channels:
        raise ExportError(f"layer {entry['name']}: {field} holds {len(value)} values; expected one or {channels}")
    return np.array(value, CHANNEL_FIELDS[field])


class ExportError(ValueError):
    """An export folder is missing, truncated, tampered with or inconsistent."""


def sha256(array: np.ndarray) -> str:
    return hashlib.sha256(np.ascontiguousarray(array).tobytes()).hexdigest()


def weight_array(layer: IntegerLayer) -> tuple[str, np.ndarray]:
    """The layer's weights as stored: ("weight_device", its device image) or ("weight_q", row-major)."""
    if layer.mapping is None:
        return "weight_q", np.ascontiguousarray(layer.weight_q)
    return "weight_device", device_weights(layer.mapping, layer.weight_matrix)


def packs(layer: IntegerLayer) -> bool:
    """Whether the layer's weights are stored packed: codes of fewer than 8 bits."""
    return layer.weight_bits < 8 and layer.weight_q.dtype == np.uint8


def layer_arrays(layer: IntegerLayer, key: str, weights: np.ndarray) -> dict[str, np.ndarray]:
    """The arrays stored for ``layer`` given its weights as ``weight_array`` returns them."""
    if packs(layer):  # simulator.contract.packing: weight_bits bits per code, end to end
        stored = {f"{layer.name}.weight_packed": pack_codes(weights, layer.weight_bits)}
    else:
        stored = {f"{layer.name}.{key}": weights}
    return stored | {f"{layer.name}.bias_q": np.ascontiguousarray(layer.bias_q.astype(np.int32))}


def save_network(net: IntegerNetwork, folder: str | os.PathLike, *, extra: dict | None = None) -> Path:
    """Write ``net`` to ``folder`` (created if needed); returns the manifest path."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    arrays: dict[str, np.ndarray] = {}
    layers = []
    for layer in net.layers:
        if np.abs(layer.bias_q).max(initial=0) >= 2**31:
            raise ValueError(f"save_network: {layer.name}.bias_q does not fit int32")
        key, weights = weight_array(layer)
        own = layer_arrays(layer, key, weights)
        arrays.update(own)
        layers.append(
            {
                "name": layer.name,
                "kind": layer.kind,
                **{field: field_json(getattr(layer, field)) for field in SCALAR_FIELDS},
                "weight_shape": list(layer.weight_q.shape),
                "mapping": None if layer.mapping is None else layer.mapping.to_json(),
                "packed": {"array": key, "shape": list(weights.shape)} if packs(layer) else None,
                "arrays": {
                    key.split(".", 1)[1]: {"shape": list(a.shape), "dtype": str(a.dtype), "sha256": sha256(a)}
                    for key, a in own.items()
                },
            }
        )
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)  # type: ignore[arg-type]  # numpy's stub types **kwds as allow_pickle
    atomic.write_bytes(folder / "weights.npz", buffer.getvalue())
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "input_shape": list(net.input_shape),
        "classes": list(net.classes),
        "rounding": net.rounding,
        "layer_order": [layer.name for layer in net.layers],
        "layers": layers,
        "weights_sha256": hashlib.sha256((folder / "weights.npz").read_bytes()).hexdigest(),
        **({"extra": extra} if extra else {}),
    }
    manifest_path = folder / "manifest.json"
    atomic.write_json(manifest_path, manifest)
    return manifest_path


def load_network(folder: str | os.PathLike) -> IntegerNetwork:
    """Read an export written by :func:`save_network`, checking everything it can.

    Raises
    ------
    ExportError
        Missing files, unknown format or version, a truncated or altered weights file, an
        array whose shape, dtype or SHA-256 differs from the manifest, or missing fields.
    """
    folder = Path(folder)
    manifest_path, weights_path = folder / "manifest.json", folder / "weights.npz"
    for path in (manifest_path, weights_path):
        if not path.is_file():
            raise ExportError(f"{path}: not found (is {folder} an export folder?)")
    try:
        manifest = json.loads(manifest_path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ExportError(f"{manifest_path}: not valid JSON ({error})") from None
    if manifest.get("format") != FORMAT or manifest.get("format_version") not in READABLE_VERSIONS:
        raise ExportError(
            f"{manifest_path}: format {manifest.get('format')!r} version {manifest.get('format_version')!r}; "
            f"expected {FORMAT!r} version {' or '.join(map(str, READABLE_VERSIONS))}"
        )
    digest = hashlib.sha256(weights_path.read_bytes()).hexdigest()
    if digest != manifest.get("weights_sha256"):
        raise ExportError(f"{weights_path}: SHA-256 {digest[:16]}... differs from the manifest (truncated or altered)")
    try:
        with np.load(weights_path, allow_pickle=False) as data:
            stored = {key: data[key] for key in data.files}
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise ExportError(f"{weights_path}: unreadable ({error})") from None
    try:
        layers = tuple(read_layer(entry, stored, weights_path) for entry in manifest["layers"])
        if [layer.name for layer in layers] != manifest["layer_order"]:
            raise ExportError(f"{manifest_path}: layer_order {manifest['layer_order']} differs from the layers")
        return IntegerNetwork(
            layers=layers,
            input_shape=tuple(manifest["input_shape"]),
            classes=tuple(manifest["classes"]),
            rounding=manifest["rounding"],
        )
    except (KeyError, TypeError) as error:
        raise ExportError(f"{manifest_path}: missing or malformed field {error}") from None


def read_layer(entry: dict, stored: dict[str, np.ndarray], weights_path: Path) -> IntegerLayer:
    if entry["kind"] not in LAYER_KINDS:
        raise ExportError(f"layer {entry['name']}: kind {entry['kind']!r} is not one of {LAYER_KINDS}")
    arrays = {}
    for key, expected in entry["arrays"].items():
        full = f"{entry['name']}.{key}"
        if full not in stored:
            raise ExportError(f"{weights_path}: array {full} is missing")
        array = stored[full]
        if list(array.shape) != expected["shape"] or str(array.dtype) != expected["dtype"]:
            raise ExportError(
                f"{weights_path}: {full} is {array.dtype} {list(array.shape)}; "
                f"the manifest says {expected['dtype']} {expected['shape']}"
            )
        if sha256(array) != expected["sha256"]:
            raise ExportError(f"{weights_path}: {full} SHA-256 differs from the manifest")
        arrays[key] = array
    packed = entry.get("packed")
    if packed is not None:  # sub-byte codes: unpacked here, so everything downstream reads bytes
        count = int(np.prod(packed["shape"]))
        try:
            codes = unpack_codes(arrays.pop("weight_packed"), entry["weight_bits"], count)
        except ValueError as error:
            raise ExportError(f"{weights_path}: {entry['name']}.weight_packed: {error}") from None
        arrays[packed["array"]] = codes.reshape(packed["shape"])
    shape = tuple(entry["weight_shape"])
    mapping = None
    if entry["mapping"] is None:
        weight_q = arrays["weight_q"]
    else:
        try:
            mapping = LayerMapping.from_json(entry["mapping"])
            matrix = weights_from_device(mapping, arrays["weight_device"], shape[0], int(np.prod(shape[1:])))
        except ValueError as error:
            raise ExportError(
                f"{weights_path}: {entry['name']}.weight_device {error}; the layout does not match the manifest"
            ) from None
        weight_q = matrix.reshape(shape)
    return IntegerLayer(
        name=entry["name"],
        kind=entry["kind"],
        weight_q=weight_q,
        bias_q=arrays["bias_q"].astype(np.int64),
        mapping=mapping,
        **{field: field_value(entry, field, shape[0]) for field in SCALAR_FIELDS},
    )
