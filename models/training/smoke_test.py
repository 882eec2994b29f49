#!/usr/bin/python3
"""Smoke test of the whole training pipeline on a tiny generated dataset (about a minute on CPU).

    /usr/bin/python3 models/training/smoke_test.py [--out DIR]

Generates phantom slices (never dataset images) with the dataset's manifest layout, runs
train.py (2-fold grouped cross-validation, one short epoch per model, 64 px) and quantize.py, and
checks what the export promises, for the float model and again for the 8-bit one:
the ONNX file passes onnx.checker with opset >= 13 and a dynamic batch, the manifest's
sha256 matches, the parity file and the card exist. Exits non-zero on any failure.
"""
import argparse
import csv
import hashlib
import json
import os
import sys
import shutil
import tempfile

import cv2
import numpy as np
import onnx

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import quantize  # noqa: E402
import train  # noqa: E402

TYPES = ["glioma", "meningioma", "pituitary"]
COLUMNS = ["path", "split", "label", "tumor_type", "source", "source_name", "width", "height", "group", "group_size",
           "sha256"]


def phantom(rng, size, lesion):
    img = np.zeros((size, size), np.float32)
    cx, cy = size / 2 + rng.uniform(-4, 4), size / 2 + rng.uniform(-4, 4)
    ax, ay = size * rng.uniform(0.34, 0.4), size * rng.uniform(0.4, 0.46)
    cv2.ellipse(img, (int(cx), int(cy)), (int(ax), int(ay)), 0, 0, 360, 220, -1)
    cv2.ellipse(img, (int(cx), int(cy)), (int(ax * 0.92), int(ay * 0.92)), 0, 0, 360, rng.uniform(90, 130), -1)
    if lesion:
        r = int(size * rng.uniform(0.06, 0.1))
        lx, ly = int(cx + rng.uniform(-ax / 2, ax / 2)), int(cy + rng.uniform(-ay / 2, ay / 2))
        cv2.circle(img, (lx, ly), r, 230, -1)
    img += rng.normal(0, 4, img.shape)
    return np.clip(img, 0, 255).astype(np.uint8)


def make_dataset(root, per_class_train=16, per_class_val=8, seed=7):
    rng = np.random.default_rng(seed)
    rows = []
    for split, n in (("train", per_class_train), ("val", per_class_val)):
        for label in ("tumor", "no_tumor"):
            os.makedirs(os.path.join(root, split, label), exist_ok=True)
            for i in range(n):
                size = int(rng.integers(96, 160))
                grey = phantom(rng, size, label == "tumor")
                rel = f"{split}/{label}/{label}-{i:03d}.jpg"
                cv2.imwrite(os.path.join(root, rel), cv2.cvtColor(grey, cv2.COLOR_GRAY2BGR))
                with open(os.path.join(root, rel), "rb") as f:
                    digest = hashlib.sha256(f.read()).hexdigest()
                kind = TYPES[i % 3] if label == "tumor" and i % 4 else ""
                rows.append({"path": rel, "split": split, "label": label, "tumor_type": kind, "source": "phantom",
                             "source_name": os.path.basename(rel), "width": size, "height": size,
                             "group": f"{split}-{label}-{i}", "group_size": 1, "sha256": digest})
    with open(os.path.join(root, "manifest.csv"), "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)


def check(out):
    manifest = json.load(open(os.path.join(out, "brainscan.json")))
    with open(os.path.join(out, "brainscan.onnx"), "rb") as f:
        data = f.read()
    assert hashlib.sha256(data).hexdigest() == manifest["sha256"], "manifest sha256 does not match the ONNX file"
    model = onnx.load_from_string(data)
    onnx.checker.check_model(model, full_check=True)
    opset = max(o.version for o in model.opset_import if o.domain in ("", "ai.onnx"))
    assert opset >= 13, f"opset {opset} < 13"
    assert [i.name for i in model.graph.input] == ["image"], "input must be named image"
    assert [o.name for o in model.graph.output] == ["probability", "cam", "tumor_type"], \
        "outputs must be probability, cam, tumor_type"
    assert manifest["tumorTypes"] == TYPES, "manifest must name the tumour types in output order"
    assert manifest["preprocessing"]["version"] == 2, "preprocessing v2"
    assert all("promise" in manifest["riskTiers"][i] for i in (0, 2)), "low and high tiers state their promise"
    assert model.graph.input[0].type.tensor_type.shape.dim[0].dim_param, "batch dimension must be dynamic"
    for name in ("brainscan.parity.json", "README.md", "roc.png", "calibration.png", "oof.json"):
        assert os.path.getsize(os.path.join(out, name)) > 0, f"{name} missing"
    lo = manifest["riskTiers"][0]["upperBound"]
    hi = manifest["riskTiers"][1]["upperBound"]
    assert 0 < lo <= hi == manifest["decisionThreshold"] <= 1, "high starts at the threshold, low below it"
    return manifest


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", help="where the smoke model goes (default: a temporary folder)")
    args = parser.parse_args(argv)
    work = tempfile.mkdtemp(prefix="brainscan-smoke-")
    data = os.path.join(work, "data")
    out = args.out or os.path.join(work, "model")
    try:
        make_dataset(data)
        train.main(["--data", data, "--out", out, "--work", os.path.join(work, "cache"), "--size", "64",
                    "--folds", "2", "--epochs", "1", "--samples-per-epoch", "64", "--batch", "16",
                    "--threads", "2", "--name", "brainscan-smoke", "--version", "0.0.0-smoke"])
        fp32 = check(out)
        quantize.main(["--data", data, "--models", out, "--version", "0.0.1-smoke", "--calibration", "16"])
        manifest = check(out)
        with open(os.path.join(out, quantize.FP32_FILE), "rb") as f:
            assert hashlib.sha256(f.read()).hexdigest() == fp32["sha256"] == manifest["quantized"]["fromSha256"], \
                "the float file is the one training wrote, and the manifest says so"
        assert manifest["sha256"] != fp32["sha256"], "the served file is the 8-bit one"
    finally:
        # the generated data and the training cache go (they were left in /tmp by every run);
        # the model stays only where it was asked for, or in the temporary folder without --out
        if args.out:
            shutil.rmtree(work, ignore_errors=True)
        else:
            for name in ("data", "cache"):
                shutil.rmtree(os.path.join(work, name), ignore_errors=True)
    print(f"smoke test passed: {out} (out-of-fold AUC {manifest['metrics']['rocAuc']} on phantoms)")


if __name__ == "__main__":
    main()
