"""8-bit serving model from the trained float one (issue 30): static QDQ quantisation.

    /usr/bin/python3 models/training/quantize.py --data ../shared/datasets/brain-mri --models models \
        --version 2.3.1

The trained network stays in models/ as brainscan-fp32.onnx (what PyTorch exported, checked
against brainscan.parity.json, and what the Python/OpenCV peer runs: OpenCV 4.6 cannot run a
QDQ graph). brainscan.onnx becomes the same graph with every 3x3 convolution in 8 bits, in the
QDQ form ONNX Runtime fuses into QLinearConv:
- weights: int8, symmetric, one scale per output channel (largest |w| / 127); biases int32 at
  input scale x weight scale;
- the image: uint8 over the whole range the normalisation can give, (0 - mean) / std to
  (1 - mean) / std;
- each convolution's output: uint8 with zero point 0 (which is the ReLU that followed it),
  scale from the 99.99th percentile of that activation over the calibration scans; a max-pool
  keeps its input's scale;
- the tumour head (1x1 convolution, cam), the type head and everything after them stay float.
Calibration: --calibration training scans (train split, every k-th by path), through
preprocessing v2 as served. The manifest gets the new file's sha256, --version, and a
"quantized" block naming the float file; nothing else in it changes (threshold, tiers and
calibration are the float model's). Deterministic: the same inputs give the same bytes.
"""
import argparse
import csv
import hashlib
import json
import os
import shutil

import cv2
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

import preprocess as P

FP32_FILE = "brainscan-fp32.onnx"


def calibration_tensors(data, count, mean, std, size):
    with open(os.path.join(data, "manifest.csv"), newline="") as f:
        rows = sorted((r for r in csv.DictReader(f) if r["split"] == "train"), key=lambda r: r["path"])
    step = max(1, len(rows) // count)
    out = []
    for r in rows[::step]:
        try:
            px, _, _ = P.serving_pixels_v2(P.read_rgb(os.path.join(data, r["path"])), size)
        except P.NoBrainRegion:
            continue
        out.append(((px.transpose(2, 0, 1) / np.float32(255) - mean) / std).astype(np.float32))
        if len(out) == count:
            break
    return np.stack(out)


def activation_limits(fp32_path, names, tensors):
    """The 99.99th percentile of each named activation per scan, the largest over the scans (OpenCV's DNN)."""
    m = onnx.load(fp32_path)
    for n in names:
        m.graph.output.append(helper.make_tensor_value_info(n, TensorProto.FLOAT, [1, None, None, None]))
    tmp = fp32_path + ".calibration.onnx"
    onnx.save(m, tmp)
    try:
        net = cv2.dnn.readNetFromONNX(tmp)
        limits = dict.fromkeys(names, 0.0)
        for x in tensors:
            net.setInput(x[None], "image")
            for n, o in zip(names, net.forward(names)):
                limits[n] = max(limits[n], float(np.percentile(o, 99.99)))
        return limits
    finally:
        os.remove(tmp)


def quantized_graph(model, limits, in_lo, in_hi):
    g = model.graph
    init = {i.name: i for i in g.initializer}
    relu_of = {n.input[0]: n for n in g.node if n.op_type == "Relu"}
    added = []
    nodes = []

    def qdq(name, scale, zero_point):
        s, z = name + "_scale", name + "_zero_point"
        added.append(numpy_helper.from_array(np.array(scale, np.float32), s))
        added.append(numpy_helper.from_array(np.array(zero_point, np.uint8), z))
        nodes.append(helper.make_node("QuantizeLinear", [name, s, z], [name + "_q"]))
        nodes.append(helper.make_node("DequantizeLinear", [name + "_q", s, z], [name + "_dq"]))
        return name + "_dq"

    def attributes(n):
        return {a.name: helper.get_attribute_value(a) for a in n.attribute}

    input_scale = (in_hi - in_lo) / 255.0
    renamed = {"image": qdq("image", input_scale, int(round(-in_lo / input_scale)))}
    scale_of = {"image": input_scale}
    for n in g.node:
        inputs = [renamed.get(i, i) for i in n.input]
        if n.op_type == "Relu" and n.input[0] in renamed:
            continue  # the uint8 quantisation of the convolution's output (zero point 0) is the ReLU
        if n.op_type == "Conv" and n.output[0] in relu_of:
            w = numpy_helper.to_array(init[n.input[1]])
            b = numpy_helper.to_array(init[n.input[2]])
            w_scale = np.abs(w).reshape(w.shape[0], -1).max(axis=1) / 127.0
            w_scale[w_scale == 0] = 1e-8
            w_q = np.clip(np.round(w / w_scale[:, None, None, None]), -127, 127).astype(np.int8)
            b_scale = (scale_of[n.input[0]] * w_scale).astype(np.float32)
            b_q = np.round(b / b_scale).astype(np.int32)
            wn, bn = n.input[1], n.input[2]
            added.extend([numpy_helper.from_array(w_q, wn + "_q"),
                          numpy_helper.from_array(w_scale.astype(np.float32), wn + "_scale"),
                          numpy_helper.from_array(np.zeros(len(w_scale), np.int8), wn + "_zero_point"),
                          numpy_helper.from_array(b_q, bn + "_q"),
                          numpy_helper.from_array(b_scale, bn + "_scale"),
                          numpy_helper.from_array(np.zeros(len(b_scale), np.int32), bn + "_zero_point")])
            nodes.append(helper.make_node("DequantizeLinear", [wn + "_q", wn + "_scale", wn + "_zero_point"],
                                          [wn + "_dq"], axis=0))
            nodes.append(helper.make_node("DequantizeLinear", [bn + "_q", bn + "_scale", bn + "_zero_point"],
                                          [bn + "_dq"], axis=0))
            nodes.append(helper.make_node("Conv", [inputs[0], wn + "_dq", bn + "_dq"], list(n.output), name=n.name,
                                          **attributes(n)))
            relu = relu_of[n.output[0]].output[0]
            scale = max(limits[relu], 1e-6) / 255.0  # a layer silent on every calibration scan still gets a scale
            renamed[n.output[0]] = renamed[relu] = qdq(n.output[0], scale, 0)
            scale_of[relu] = scale
            continue
        nodes.append(helper.make_node(n.op_type, inputs, list(n.output), name=n.name, **attributes(n)))
        if n.op_type == "MaxPool":
            scale_of[n.output[0]] = scale_of[n.input[0]]
            renamed[n.output[0]] = qdq(n.output[0], scale_of[n.output[0]], 0)
    used = {i for nd in nodes for i in nd.input}
    kept = [i for i in g.initializer if i.name in used]
    graph = helper.make_graph(nodes, g.name, list(g.input), list(g.output), kept + added)
    out = helper.make_model(graph, opset_imports=model.opset_import)
    out.ir_version = model.ir_version
    onnx.checker.check_model(out)
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", required=True, help="the dataset folder (manifest.csv)")
    ap.add_argument("--models", default=os.path.join(os.path.dirname(__file__), ".."))
    ap.add_argument("--version", required=True, help="the 8-bit model's version, e.g. 2.3.1")
    ap.add_argument("--calibration", type=int, default=160, help="training scans to calibrate on")
    args = ap.parse_args(argv)
    manifest_path = os.path.join(args.models, "brainscan.json")
    with open(manifest_path) as f:
        manifest = json.load(f)
    fp32 = os.path.join(args.models, FP32_FILE)
    served = os.path.join(args.models, manifest["file"])
    if "quantized" not in manifest:  # the float model as training wrote it
        shutil.copyfile(served, fp32)
    with open(fp32, "rb") as f:
        fp32_bytes = f.read()
    inp = manifest["input"]
    mean = np.float32(inp["mean"][0])
    std = np.float32(inp["std"][0])
    tensors = calibration_tensors(args.data, args.calibration, mean, std, inp["height"])
    model = onnx.load(fp32)
    relus = [n.output[0] for n in model.graph.node if n.op_type == "Relu"]
    limits = activation_limits(fp32, relus, tensors)
    in_lo, in_hi = float((0 - mean) / std), float((1 - mean) / std)
    onnx.save(quantized_graph(model, limits, in_lo, in_hi), served)
    with open(served, "rb") as f:
        sha = hashlib.sha256(f.read()).hexdigest()
    manifest["version"] = args.version
    manifest["sha256"] = sha
    manifest["quantized"] = {
        "from": FP32_FILE,
        "fromSha256": hashlib.sha256(fp32_bytes).hexdigest(),
        "method": "static QDQ: 3x3 convolutions int8 weights (per channel) and uint8 activations; heads float",
        "calibration": "%d training scans, 99.99th percentile of each activation" % len(tensors),
    }
    with open(manifest_path, "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")
    print("wrote %s (%d bytes, sha256 %s) from %s on %d calibration scans"
          % (served, os.path.getsize(served), sha, FP32_FILE, len(tensors)))


if __name__ == "__main__":
    main()
