"""TensorFlow.js graph models rebuilt as TF graphs and converted to TFLite (TensorFlow; used only
by ``make weights``).

A tfjs graph model is ``model.json`` (a GraphDef in protobuf JSON whose constants have no values,
plus a weights manifest) and ``.bin`` shards holding the constants back to back. ``load_graph``
fills every constant from the shards (dequantising float16 or affine-quantised values, casting
to the node's dtype, e.g. int64 constants stored as int32) and splits the fused ops tfjs
writes (``_FusedConv2D``, ``FusedDepthwiseConv2dNative``, ``_FusedMatMul``) back into standard
ops, so TensorFlow runs the graph and the TFLite converter takes it. ``convert`` writes the
``.tflite`` (float32, or with the ops of one name scope in int8); ``graph_function`` is the TF
reference the tests compare it with.
"""
from __future__ import annotations

import json
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import tensorflow as tf
from google.protobuf import json_format

from lib.errors import LightTrackError
from lib.outputs import write_bytes
from lib.weights import FIX

# tfjs dtype names -> numpy dtypes of the stored bytes
STORED_DTYPES = {"float32": np.float32, "int32": np.int32, "bool": np.bool_, "float16": np.float16,
                 "uint8": np.uint8, "uint16": np.uint16, "int8": np.int8}
FUSED_CONV = {"_FusedConv2D": "Conv2D", "FusedDepthwiseConv2dNative": "DepthwiseConv2dNative",
              "_FusedMatMul": "MatMul"}
OP_ATTRS = {"Conv2D": ("T", "data_format", "dilations", "explicit_paddings", "padding", "strides",
                       "use_cudnn_on_gpu"),
            "DepthwiseConv2dNative": ("T", "data_format", "dilations", "explicit_paddings",
                                      "padding", "strides"),
            "MatMul": ("T", "transpose_a", "transpose_b")}
ACTIVATIONS = ("Relu", "Relu6", "Elu", "Sigmoid", "Tanh", "LeakyRelu")


@dataclass
class TfjsGraph:
    """A rebuilt graph: ``graph_def`` plus its input and output tensor names ("name:0")."""

    graph_def: tf.compat.v1.GraphDef
    inputs: list[str]
    outputs: list[str]


def _tensor_name(name: str) -> str:
    """A signature name as a tensor name: "images" -> "images:0"."""
    return name if ":" in name else name + ":0"


def _bad(path: Path, what: str) -> LightTrackError:
    return LightTrackError(f"{path}: {what}: delete it and {FIX}")


def read_weights(model: dict, model_dir: Path) -> dict[str, np.ndarray]:
    """The constants of a model.json dict, {name: array}, read from its shards in ``model_dir``."""
    values = {}
    for group in model["weightsManifest"]:
        paths = [model_dir / p for p in group["paths"]]
        for path in paths:
            if not path.is_file():
                raise LightTrackError(f"{path} not found: {FIX}")
        data = b"".join(p.read_bytes() for p in paths)
        offset = 0
        for spec in group["weights"]:
            quant = spec.get("quantization", {})
            stored = np.dtype(STORED_DTYPES[quant.get("dtype", spec["dtype"])])
            count = int(np.prod(spec["shape"], dtype=np.int64))
            end = offset + count * stored.itemsize
            if end > len(data):
                raise _bad(paths[-1], f"shorter than its manifest ({len(data)} bytes, "
                                      f"{spec['name']} ends at {end})")
            array = np.frombuffer(data, stored, count, offset).reshape(spec["shape"])
            if "scale" in quant:
                array = array * np.float32(quant["scale"]) + np.float32(quant.get("min", 0.0))
            values[spec["name"]] = array.astype(spec["dtype"])
            offset = end
        if offset != len(data):
            raise _bad(paths[-1], f"{len(data)} bytes where the manifest lists {offset}")
    return values


def _node(name: str, op: str, inputs: list[str], attrs: dict) -> tf.compat.v1.NodeDef:
    node = tf.compat.v1.NodeDef(name=name, op=op, input=inputs)
    for key, value in attrs.items():
        node.attr[key].CopyFrom(value)
    return node


def split_fused(node: tf.compat.v1.NodeDef) -> list[tf.compat.v1.NodeDef]:
    """One fused tfjs node -> the standard nodes it stands for; the last keeps its name."""
    fused = [s.decode() for s in node.attr["fused_ops"].list.s]
    num_args = node.attr["num_args"].i
    data_inputs = [i for i in node.input if not i.startswith("^")]
    controls = [i for i in node.input if i.startswith("^")]
    base_op = FUSED_CONV[node.op]
    attrs = {k: node.attr[k] for k in OP_ATTRS[base_op] if k in node.attr}
    steps = [(base_op, data_inputs[:2] + controls, attrs)]
    extra = data_inputs[2:2 + num_args]
    for op in fused:
        t_attr = {"T": node.attr["T"]}
        if op == "BiasAdd":
            bias_attrs = dict(t_attr)
            if "data_format" in node.attr and base_op != "MatMul":
                bias_attrs["data_format"] = node.attr["data_format"]
            steps.append(("BiasAdd", [None, extra[0]], bias_attrs))
        elif op in ACTIVATIONS:
            if op == "LeakyRelu":
                t_attr["alpha"] = tf.compat.v1.AttrValue(f=node.attr["leakyrelu_alpha"].f)
            steps.append((op, [None], t_attr))
        else:
            raise ValueError(f"node {node.name}: fused op {op} is not supported")
    nodes, previous = [], None
    for number, (op, inputs, step_attrs) in enumerate(steps):
        name = node.name if number == len(steps) - 1 else f"{node.name}/split_{number}_{op}"
        inputs = [previous if i is None else i for i in inputs]
        nodes.append(_node(name, op, inputs, step_attrs))
        previous = name
    return nodes


def load_graph(model_path: str | Path) -> TfjsGraph:
    """Read ``model.json`` and its shards into a runnable GraphDef with standard ops only."""
    model_path = Path(model_path)
    if not model_path.is_file():
        raise LightTrackError(f"{model_path} not found: {FIX}")
    try:
        model = json.loads(model_path.read_text())
        topology, signature = model["modelTopology"], model["signature"]
    except (ValueError, KeyError, TypeError) as err:
        raise _bad(model_path, f"not a tfjs graph model ({err})") from None
    values = read_weights(model, model_path.parent)
    graph_def = tf.compat.v1.GraphDef()
    for entry in topology["node"]:
        try:
            node = json_format.ParseDict(entry, tf.compat.v1.NodeDef())
        except json_format.ParseError as err:
            raise _bad(model_path, f"not a tfjs graph node ({err})") from None
        if node.op == "Const":
            if node.name not in values:
                raise _bad(model_path, f"constant {node.name} has no weights")
            dtype = tf.dtypes.as_dtype(node.attr["dtype"].type)
            array = values[node.name].astype(dtype.as_numpy_dtype)
            node.attr["value"].tensor.CopyFrom(tf.make_tensor_proto(array, dtype=dtype))
        try:
            graph_def.node.extend(split_fused(node) if node.op in FUSED_CONV else [node])
        except ValueError as err:
            raise LightTrackError(f"{model_path}: cannot rebuild the graph ({err}): the tfjs "
                                  "converter (weights/tfjs.py) needs that op; make weights "
                                  "cannot convert this model") from None
    return TfjsGraph(graph_def, [_tensor_name(n) for n in signature["inputs"]],
                     sorted(_tensor_name(n) for n in signature["outputs"]))


def graph_function(graph: TfjsGraph):
    """A TF2 concrete function ``inputs -> outputs`` (in ``graph.outputs`` order)."""
    def import_graph():
        tf.compat.v1.import_graph_def(graph.graph_def, name="")

    wrapped = tf.compat.v1.wrap_function(import_graph, [])
    element = wrapped.graph.as_graph_element
    return wrapped.prune([element(n) for n in graph.inputs], [element(n) for n in graph.outputs])


def convert(model_path: str | Path, tflite_path: str | Path, *, calibration=None,
            int8_scope: str = "") -> None:
    """Convert the tfjs graph model ``model_path`` to a ``.tflite`` (written through a temporary
    file); LightTrackError naming the model when TensorFlow cannot convert it.

    Float32 unless ``calibration`` (model inputs, e.g. ``network_movenet.calibration_inputs``)
    is given: then the ops whose output tensor name contains ``int8_scope`` are quantised to
    int8 (per-channel weights, activation ranges measured on ``calibration``) and every other op
    stays float32, with quantise and dequantise ops at the borders."""
    model_path, tflite_path = Path(model_path), Path(tflite_path)
    graph = load_graph(model_path)  # a missing or damaged file raises with its own fix
    try:
        function = graph_function(graph)
        flatbuffer = tf.lite.TFLiteConverter.from_concrete_functions([function]).convert()
        if calibration is not None:
            flatbuffer = _quantise(function, flatbuffer, list(calibration), int8_scope)
    except Exception as err:  # the converter raises many types; all mean "this model failed"
        message = " ".join(str(err).split())[:200]
        raise LightTrackError(f"{model_path}: TFLite conversion failed ({message}): check that "
                              f"TensorFlow is the pinned version (make venv), then {FIX}") from None
    write_bytes(str(tflite_path), flatbuffer)


def op_outputs(flatbuffer: bytes) -> list[str]:
    """The output tensor names of every op of a ``.tflite`` model, in execution order."""
    from ai_edge_litert.interpreter import Interpreter, OpResolverType
    interpreter = Interpreter(  # without delegates: every op is listed as itself
        model_content=flatbuffer,
        experimental_op_resolver_type=OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES)
    names = {t["index"]: t["name"] for t in interpreter.get_tensor_details()}
    return [names[i] for op in interpreter._get_ops_details() for i in op["outputs"]]


def _quantise(function, float_model: bytes, calibration: list, int8_scope: str) -> bytes:
    """The int8 model of ``function`` with the ops outside ``int8_scope`` kept float
    (TFLite's quantisation debugger takes the float ops as a deny list of node names)."""
    def dataset():
        return ([x] for x in calibration)

    converter = tf.lite.TFLiteConverter.from_concrete_functions([function])
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = dataset
    names = op_outputs(float_model)
    keep_float = [name for name in names if int8_scope not in name]
    if len(keep_float) == len(names):
        raise ValueError(f"no op output is named with {int8_scope!r}")
    options = tf.lite.experimental.QuantizationDebugOptions(denylisted_nodes=keep_float)
    with warnings.catch_warnings():  # "statistics for quantized inputs were expected": the
        warnings.simplefilter("ignore", UserWarning)  # int32 image input stays unquantised
        debugger = tf.lite.experimental.QuantizationDebugger(
            converter=converter, debug_dataset=dataset, debug_options=options)
        return debugger.get_nondebug_quantized_model()
