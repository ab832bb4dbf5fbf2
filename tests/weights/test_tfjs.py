"""The tfjs graph-model loader and TFLite converter (weights/tfjs.py): a hand-written model
checked against TensorFlow's own ops, the fetched models' TF graphs against their .tflite, and
bad files."""
import json

import numpy as np
import pytest
import tensorflow as tf

from lib import weights
from lib.errors import LightTrackError
from lib.tflite import load_interpreter
from weights import tfjs


def attr_list(values):
    return {"list": {"i": [str(v) for v in values]}}


def fused(name, op, inputs, fused_ops, extra=None):
    """A tfjs fused-op node as the tfjs converter writes it (base64 fused_ops names)."""
    import base64
    attr = {"T": {"type": "DT_FLOAT"}, "strides": attr_list([1, 1, 1, 1]),
            "padding": {"s": base64.b64encode(b"SAME").decode()},
            "data_format": {"s": base64.b64encode(b"NHWC").decode()},
            "dilations": attr_list([1, 1, 1, 1]), "num_args": {"i": "1"},
            "fused_ops": {"list": {"s": [base64.b64encode(o.encode()).decode()
                                         for o in fused_ops]}}}
    attr.update(extra or {})
    return {"name": name, "op": op, "input": inputs, "attr": attr}


def const(name, dtype, shape):
    return {"name": name, "op": "Const",
            "attr": {"dtype": {"type": dtype},
                     "value": {"tensor": {"dtype": dtype, "tensorShape": {
                         "dim": [{"size": str(s)} for s in shape]}}}}}


@pytest.fixture
def tiny_model(tmp_path):
    """(model.json path, weights dict): conv 3x3 (float16-quantised) + bias + Relu6, depthwise
    3x3 + bias + LeakyRelu, then a Reshape whose int64 shape is stored as int32."""
    rng = np.random.default_rng(0)
    values = {"w": rng.normal(size=(3, 3, 2, 3)).astype(np.float16), "b": rng.normal(size=3),
              "dw": rng.normal(size=(3, 3, 3, 1)), "db": rng.normal(size=3),
              "shape": np.array([1, -1], np.int32)}
    shape = {"shape": {"dim": [{"size": str(s)} for s in (1, 5, 5, 2)]}}
    nodes = [{"name": "x", "op": "Placeholder",
              "attr": {"dtype": {"type": "DT_FLOAT"}, "shape": shape}},
             const("w", "DT_FLOAT", (3, 3, 2, 3)), const("b", "DT_FLOAT", (3,)),
             const("dw", "DT_FLOAT", (3, 3, 3, 1)), const("db", "DT_FLOAT", (3,)),
             const("shape", "DT_INT64", (2,)),
             fused("conv", "_FusedConv2D", ["x", "w", "b"], ["BiasAdd", "Relu6"]),
             fused("depthwise", "FusedDepthwiseConv2dNative", ["conv", "dw", "db"],
                   ["BiasAdd", "LeakyRelu"], {"leakyrelu_alpha": {"f": 0.1}}),
             {"name": "flat", "op": "Reshape", "input": ["depthwise", "shape"],
              "attr": {"T": {"type": "DT_FLOAT"}, "Tshape": {"type": "DT_INT64"}}},
             {"name": "Identity", "op": "Identity", "input": ["flat"],
              "attr": {"T": {"type": "DT_FLOAT"}}}]
    manifest = [{"name": "w", "shape": [3, 3, 2, 3], "dtype": "float32",
                 "quantization": {"dtype": "float16", "original_dtype": "float32"}},
                {"name": "b", "shape": [3], "dtype": "float32"},
                {"name": "dw", "shape": [3, 3, 3, 1], "dtype": "float32"},
                {"name": "db", "shape": [3], "dtype": "float32"},
                {"name": "shape", "shape": [2], "dtype": "int32"}]
    data = b"".join(values[m["name"]].astype(np.float16 if "quantization" in m else m["dtype"])
                    .tobytes() for m in manifest)
    (tmp_path / "tiny.bin").write_bytes(data)
    model = {"format": "graph-model", "modelTopology": {"node": nodes},
             "signature": {"inputs": {"x:0": {}}, "outputs": {"Identity:0": {}}},
             "weightsManifest": [{"paths": ["tiny.bin"], "weights": manifest}]}
    path = tmp_path / "tiny.json"
    path.write_text(json.dumps(model))
    return path, values


def reference(x, values):
    """The tiny model with TensorFlow's eager ops (not the rebuilt graph)."""
    w = tf.constant(values["w"].astype(np.float32))
    y = tf.nn.relu6(tf.nn.conv2d(x, w, 1, "SAME") + values["b"].astype(np.float32))
    dw = tf.constant(values["dw"].astype(np.float32))
    y = tf.nn.depthwise_conv2d(y, dw, [1, 1, 1, 1], "SAME") + values["db"].astype(np.float32)
    return tf.reshape(tf.nn.leaky_relu(y, 0.1), (1, -1)).numpy()


def run_tflite(path, inputs):
    interpreter = load_interpreter(path)
    interpreter.set_tensor(interpreter.get_input_details()[0]["index"], inputs)
    interpreter.invoke()
    return {tuple(d["shape"]): interpreter.get_tensor(d["index"])
            for d in interpreter.get_output_details()}


def test_rebuilt_graph_and_tflite_match_tensorflow_ops(tiny_model, tmp_path):
    path, values = tiny_model
    graph = tfjs.load_graph(path)
    ops = {node.op for node in graph.graph_def.node}
    assert {"Conv2D", "DepthwiseConv2dNative", "BiasAdd", "Relu6", "LeakyRelu"} <= ops
    assert not ops & set(tfjs.FUSED_CONV)
    x = np.random.default_rng(1).normal(size=(1, 5, 5, 2)).astype(np.float32)
    expected = reference(x, values)
    (got,) = tfjs.graph_function(graph)(tf.constant(x))
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-5, atol=1e-5)
    tfjs.convert(path, tmp_path / "tiny.tflite")
    np.testing.assert_allclose(run_tflite(tmp_path / "tiny.tflite", x)[(1, 75)], expected,
                               rtol=1e-5, atol=1e-5)


def op_dtypes(path) -> list[tuple[str, type]]:
    """(op name, output dtype) of every op of a .tflite, delegates off."""
    from ai_edge_litert.interpreter import Interpreter, OpResolverType
    interpreter = Interpreter(model_path=str(path), experimental_op_resolver_type=(
        OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES))
    details = {t["index"]: t for t in interpreter.get_tensor_details()}
    return [(op["op_name"], details[op["outputs"][0]]["dtype"])
            for op in interpreter._get_ops_details()]


def test_int8_scope_quantises_only_the_ops_named_so(tiny_model, tmp_path):
    """With calibration inputs, the convolution (named "conv") runs in int8 and the depthwise
    convolution after it in float32; the output stays within a few quantisation steps."""
    path, values = tiny_model
    rng = np.random.default_rng(2)
    calibration = [rng.normal(size=(1, 5, 5, 2)).astype(np.float32) for _ in range(30)]
    tfjs.convert(path, tmp_path / "tiny-int8.tflite", calibration=calibration, int8_scope="conv")
    ops = op_dtypes(tmp_path / "tiny-int8.tflite")
    assert ("CONV_2D", np.int8) in ops and ("DEPTHWISE_CONV_2D", np.float32) in ops
    assert [name for name, _ in ops].index("DEQUANTIZE") < [name for name, _ in ops].index(
        "DEPTHWISE_CONV_2D")
    x = calibration[0]
    expected = reference(x, values)
    got = run_tflite(tmp_path / "tiny-int8.tflite", x)[(1, 75)]
    assert np.abs(got - expected).max() < 0.05 * np.abs(expected).max()
    with pytest.raises(LightTrackError, match="tiny.json: TFLite conversion failed .*'none'"):
        tfjs.convert(path, tmp_path / "none.tflite", calibration=calibration, int8_scope="none")


def test_truncated_bin_names_the_file_and_the_fix(tiny_model):
    path, _ = tiny_model
    shard = path.with_name("tiny.bin")
    shard.write_bytes(shard.read_bytes()[:-10])
    with pytest.raises(LightTrackError, match=f"{shard}: shorter than its manifest.*make weights"):
        tfjs.load_graph(path)


def test_unsupported_fused_op_names_the_model(tiny_model, tmp_path):
    path, _ = tiny_model
    model = json.loads(path.read_text())
    model["modelTopology"]["node"][6]["attr"]["fused_ops"]["list"]["s"][1] = "UHJlbHU="  # Prelu
    path.write_text(json.dumps(model))
    with pytest.raises(LightTrackError, match=f"{path}: cannot rebuild.*Prelu.*make weights"):
        tfjs.convert(path, tmp_path / "tiny.tflite")
    assert not (tmp_path / "tiny.tflite").exists()


def test_not_a_model_names_the_file(tmp_path):
    path = tmp_path / "nanodet.json"
    path.write_text("<html>not found</html>")
    with pytest.raises(LightTrackError, match=f"{path}: not a tfjs graph model.*make weights"):
        tfjs.load_graph(path)


def model_input(name: str, shape, dtype) -> np.ndarray:
    """A frame of the demo clip resized to the model input (NCHW for nanodet)."""
    import cv2
    capture = cv2.VideoCapture("data/demo/sample.mp4")
    for _ in range(100):
        ok, frame = capture.read()
    assert ok, "data/demo/sample.mp4 missing: run make data/demo/sample.mp4"
    nchw = shape[1] == 3
    size = (shape[3], shape[2]) if nchw else (shape[2], shape[1])
    image = cv2.resize(frame, size).astype(np.float32)
    if nchw:
        image = ((image - 128) / 64).transpose(2, 0, 1)
    return image[None].astype(dtype)


@pytest.mark.slow
@pytest.mark.parametrize("name", weights.TFJS_MODELS)
def test_converted_model_matches_its_tf_graph(name):
    """After ``make weights``: the .tflite and the TF graph rebuilt from model.json agree on a
    real frame, output by output."""
    tflite = weights.tflite_path(name)
    assert tflite.is_file(), f"{tflite} missing: run make weights"
    graph = tfjs.load_graph(weights.WEIGHTS_DIR / weights.TFJS_DIR / f"{name}.json")
    function = tfjs.graph_function(graph)
    spec = function.inputs[0]
    x = model_input(name, spec.shape.as_list(), spec.dtype.as_numpy_dtype)
    expected = [t.numpy() for t in function(tf.constant(x))]
    got = run_tflite(tflite, x)
    assert sorted(got) == sorted(e.shape for e in expected)
    for e in expected:
        scale = max(1.0, float(np.abs(e).max()))
        np.testing.assert_allclose(got[e.shape], e, atol=1e-4 * scale)
