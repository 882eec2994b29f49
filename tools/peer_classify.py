#!/usr/bin/python3
"""The Python/OpenCV peer of `brainscan classify` (issue 17): what a Python user would write.

    /usr/bin/python3 tools/peer_classify.py FOLDER_OR_FILE... [--model models/brainscan.json]

Per scan: cv2.imdecode, the seeds' contour crop (models/training/preprocess.py crop_box:
grey, 5x5 Gaussian blur, threshold 45, erode/dilate x2, largest external contour), cv2.resize
(INTER_AREA) to the model's input, (v/255 - mean) / std, cv2.dnn on the same network: the
float file an 8-bit manifest was made from (its "quantized.from": OpenCV 4.6 cannot run the
QDQ graph brainscan serves), else the manifest's own file. It reads images at full
resolution (brainscan reads those over 700 px at its working resolution).
For a manifest with preprocessing version 2 it follows preprocess.serving_pixels_v2 (frame
finder, adaptive threshold for dark scans, grey crop with a 1-99 percentile stretch) with
OpenCV's own primitives (cv2.threshold's Otsu; cv2.resize instead of the exact
PIL-style filter), so its pixels are close to, not bit-identical with, brainscan's.
No plausibility gate (brainscan has one): the peer is the speed reference, not a product.

Prints one JSON line per scan on stdout (file, label, probability) and, on stderr, one
JSON summary: scans, per-scan medians (whole run, first 5 scans, second half) and the time
from the process's start (interpreter included, from /proc) to the last result. Needs
Debian's python3-opencv (cv2 with dnn) and numpy; reads no dataset by itself.
"""
import argparse
import json
import os
import sys
import time

import cv2
import numpy as np

THRESHOLD = 45
BLUR = 5
MORPH = 2
MIN_REGION = 0.01
# preprocessing v2 (models/training/preprocess.py)
DARK_P99 = 90
ADAPTIVE_MIN, ADAPTIVE_MAX = 8, 45
FRAME_MIN_INSIDE, FRAME_MIN_OUTSIDE, FRAME_MIN_LIT = 0.15, 0.04, 0.5
STRETCH_LOW, STRETCH_HIGH, STRETCH_MIN_RANGE = 0.01, 0.99, 16


def process_start_epoch():
    """When this process started (wall clock seconds), from /proc; None elsewhere."""
    try:
        with open("/proc/self/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        start_ticks = int(fields[19])
        with open("/proc/uptime") as f:
            uptime = float(f.read().split()[0])
        return time.time() - uptime + start_ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def crop_box(grey, threshold=THRESHOLD):
    g = cv2.GaussianBlur(grey, (BLUR, BLUR), 0)
    t = cv2.threshold(g, threshold, 255, cv2.THRESH_BINARY)[1]
    t = cv2.erode(t, None, iterations=MORPH)
    t = cv2.dilate(t, None, iterations=MORPH)
    contours, _ = cv2.findContours(t, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    c = max(contours, key=cv2.contourArea)
    if cv2.contourArea(c) < MIN_REGION * grey.shape[0] * grey.shape[1]:
        return None
    x, y, w, h = cv2.boundingRect(c)
    # boundingRect is inclusive of the last pixel; the seeds' crop is right - left wide
    w, h = w - 1, h - 1
    return (x, y, w, h) if w > 0 and h > 0 else None


def pixels_v1(bgr, size):
    grey = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
    box = crop_box(grey)
    if box is None:
        return None
    x, y, w, h = box
    crop = cv2.cvtColor(bgr[y:y + h, x:x + w], cv2.COLOR_BGR2RGB)
    return cv2.resize(crop, (size[1], size[0]), interpolation=cv2.INTER_AREA).astype(np.float32)


def percentile_u8(hist, fraction):
    c = np.cumsum(hist)
    need = max(int(np.ceil(fraction * c[-1])), 1)
    return int(np.searchsorted(c, need))


def find_frame(grey):
    h, w = grey.shape
    dark = (cv2.GaussianBlur(grey, (BLUR, BLUR), 0) <= THRESHOLD).astype(np.uint8)
    n, _, stats, _ = cv2.connectedComponentsWithStats(dark, connectivity=4)
    if n <= 1:
        return None
    k = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    x, y, bw, bh = (int(v) for v in stats[k, :4])
    inside, outside = bw * bh, w * h - bw * bh
    if inside < FRAME_MIN_INSIDE * w * h or outside < FRAME_MIN_OUTSIDE * w * h:
        return None
    dark_outside = int(dark.sum()) - int(dark[y:y + bh, x:x + bw].sum())
    if outside - dark_outside < FRAME_MIN_LIT * outside:
        return None
    return x, y, bw, bh  # (the reference's edge and side checks are left out: a peer, not a twin)


def pixels_v2(bgr, size):
    grey = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
    frame = find_frame(grey)
    if frame is not None:
        fx, fy, fw, fh = frame
        grey = grey[fy:fy + fh, fx:fx + fw]
    blurred = cv2.GaussianBlur(grey, (BLUR, BLUR), 0)
    hist = np.bincount(blurred.ravel(), minlength=256)
    box = crop_box(grey) if percentile_u8(hist, 0.99) >= DARK_P99 else None
    if box is None:
        otsu = cv2.threshold(blurred, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)[0]
        box = crop_box(grey, int(min(max(otsu, ADAPTIVE_MIN), ADAPTIVE_MAX)))
        if box is None:
            return None
    x, y, w, h = box
    crop = grey[y:y + h, x:x + w]
    chist = np.bincount(crop.ravel(), minlength=256)
    lo, hi = percentile_u8(chist, STRETCH_LOW), percentile_u8(chist, STRETCH_HIGH)
    if hi - lo < STRETCH_MIN_RANGE:
        hi = min(255, lo + STRETCH_MIN_RANGE)
        lo = hi - STRETCH_MIN_RANGE
    g = cv2.resize(crop, (size[1], size[0]), interpolation=cv2.INTER_AREA).astype(np.float32)
    g = np.clip((g - lo) * np.float32(255.0 / (hi - lo)), 0, 255)
    return cv2.merge([g, g, g])


def files_of(paths):
    out = []
    for p in paths:
        if os.path.isdir(p):
            for root, dirs, names in os.walk(p):
                dirs[:] = [d for d in dirs if not d.startswith(".")]
                out.extend(os.path.join(root, n) for n in names if not n.startswith("."))
        else:
            out.append(p)
    return sorted(out)


def main():
    started = process_start_epoch()
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("paths", nargs="+")
    ap.add_argument("--model", default=os.path.join(here, "..", "models", "brainscan.json"),
                    help="the model's manifest (a .onnx path: the manifest beside it, same name)")
    ap.add_argument("--threads", type=int, default=len(os.sched_getaffinity(0)),
                    help="OpenCV threads (default: the cores this process may run on)")
    args = ap.parse_args()
    cv2.setNumThreads(args.threads)
    with open(os.path.splitext(args.model)[0] + ".json") as f:
        manifest = json.load(f)
    onnx_file = os.path.join(os.path.dirname(os.path.abspath(args.model)),
                             manifest.get("quantized", {}).get("from", manifest["file"]))
    inp = manifest["input"]
    size = (inp["height"], inp["width"])
    mean = np.asarray(inp["mean"], np.float32) * 255.0
    std = np.asarray(inp["std"], np.float32) * 255.0
    v2 = manifest.get("preprocessing", {}).get("version", 1) >= 2
    pixels = pixels_v2 if v2 else pixels_v1
    threshold = manifest["decisionThreshold"]
    net = cv2.dnn.readNetFromONNX(onnx_file)
    times = []
    out = sys.stdout
    for path in files_of(args.paths):
        t0 = time.perf_counter()
        with open(path, "rb") as f:
            data = np.frombuffer(f.read(), np.uint8)
        bgr = cv2.imdecode(data, cv2.IMREAD_COLOR)
        px = pixels(bgr, size) if bgr is not None else None
        if px is None:
            record = {"file": path, "error": "not decodable" if bgr is None else "no brain region"}
        else:
            blob = ((px - mean) / std).transpose(2, 0, 1)[None].copy()
            net.setInput(blob, inp["name"])
            p = float(net.forward("probability").ravel()[0])
            record = {"file": path, "label": "tumor" if p >= threshold else "no_tumor", "probability": round(p, 4)}
        times.append((time.perf_counter() - t0) * 1000)
        record["ms"] = round(times[-1], 3)
        out.write(json.dumps(record) + "\n")
    out.flush()
    n = len(times)
    med = lambda v: float(np.median(v)) if len(v) else float("nan")  # noqa: E731
    summary = {"peer": "python-opencv", "opencv": cv2.__version__, "preprocessing": 2 if v2 else 1,
               "threads": args.threads, "scans": n, "perScanMedianMs": round(med(times), 3),
               "firstFiveMedianMs": round(med(times[:5]), 3), "secondHalfMedianMs": round(med(times[n // 2:]), 3),
               "perScanSumMs": round(float(sum(times)), 1),
               "processMs": round((time.time() - started) * 1000, 1) if started else None}
    print(json.dumps(summary), file=sys.stderr)


if __name__ == "__main__":
    main()
