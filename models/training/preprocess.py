"""Preprocessing shared by training and export: the serving contract of docs/contracts.md section 2.

crop_brain_contour is the seeds' OpenCV crop (the reference the Java crop is checked
against); resize_bilinear_aa is the resize the Java code reimplements bit-for-bit in
float arithmetic (a PIL-style antialiased triangle filter), so training and serving see
the same pixels.
"""
import csv
import os

import cv2
import numpy as np

BLUR_KERNEL = 5
THRESHOLD = 45
MORPH_ITERATIONS = 2
MIN_REGION_FRACTION = 0.01


class NoBrainRegion(Exception):
    pass


def crop_box(rgb):
    """Return (x, y, w, h) of the brain crop for an HxWx3 uint8 RGB image (OpenCV reference)."""
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    gray = cv2.GaussianBlur(gray, (BLUR_KERNEL, BLUR_KERNEL), 0)
    thresh = cv2.threshold(gray, THRESHOLD, 255, cv2.THRESH_BINARY)[1]
    thresh = cv2.erode(thresh, None, iterations=MORPH_ITERATIONS)
    thresh = cv2.dilate(thresh, None, iterations=MORPH_ITERATIONS)
    contours, _ = cv2.findContours(thresh, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        raise NoBrainRegion("no region above the threshold")
    c = max(contours, key=cv2.contourArea)
    area = cv2.contourArea(c)
    if area < MIN_REGION_FRACTION * rgb.shape[0] * rgb.shape[1]:
        raise NoBrainRegion("largest region is under 1% of the image")
    left = int(c[:, :, 0].min())
    right = int(c[:, :, 0].max())
    top = int(c[:, :, 1].min())
    bottom = int(c[:, :, 1].max())
    if right <= left or bottom <= top:
        raise NoBrainRegion("degenerate region")
    return left, top, right - left, bottom - top


def crop_brain_contour(rgb):
    x, y, w, h = crop_box(rgb)
    return rgb[y:y + h, x:x + w], (x, y, w, h)


def _triangle_weights(in_size, out_size):
    """Weights matrix [out_size, in_size] of PIL's antialiased bilinear filter, in float64."""
    scale = in_size / out_size
    support = max(scale, 1.0)
    weights = np.zeros((out_size, in_size), dtype=np.float64)
    for i in range(out_size):
        center = (i + 0.5) * scale
        lo = max(int(center - support + 0.5), 0)
        hi = min(int(center + support + 0.5), in_size)
        xs = np.arange(lo, hi)
        w = np.maximum(0.0, 1.0 - np.abs((xs - center + 0.5) / support))
        total = w.sum()
        if total == 0:
            w = np.ones_like(w)
            total = w.sum()
        weights[i, lo:hi] = w / total
    return weights


def resize_bilinear_aa(rgb, height, width):
    """Resize HxWx3 uint8 to height x width x 3 float32 in [0, 255]: rows first, then columns."""
    wy = _triangle_weights(rgb.shape[0], height).astype(np.float32)
    wx = _triangle_weights(rgb.shape[1], width).astype(np.float32)
    img = rgb.astype(np.float32)
    out = np.empty((height, width, 3), dtype=np.float32)
    for c in range(3):
        out[:, :, c] = wy @ img[:, :, c] @ wx.T
    return out


def normalise(resized, mean, std):
    """HxWx3 float32 [0,255] -> 3xHxW float32, (v/255 - mean) / std."""
    x = resized.transpose(2, 0, 1) / 255.0
    return ((x - np.asarray(mean, np.float32)[:, None, None]) / np.asarray(std, np.float32)[:, None, None]).astype(np.float32)


def read_rgb(path):
    bgr = cv2.imread(path, cv2.IMREAD_COLOR)
    if bgr is None:
        raise ValueError(f"cannot decode {path}")
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)


def read_manifest(data_dir):
    with open(os.path.join(data_dir, "manifest.csv"), newline="") as f:
        return list(csv.DictReader(f))


def prepare_split(data_dir, rows, size, log=print):
    """Crop and resize every row; returns (uint8 images N x size x size x 3, labels, kept rows).

    Images are rounded to uint8 after the resize so the cache is small; the model sees
    float pixels at serving time, and the difference (<= 0.5 grey level) is noise the
    training augmentation dwarfs. Evaluation uses float pixels (prepare_float).
    """
    images, labels, kept = [], [], []
    for i, row in enumerate(rows):
        rgb = read_rgb(os.path.join(data_dir, row["path"]))
        try:
            crop, _ = crop_brain_contour(rgb)
        except NoBrainRegion:
            log(f"skip (no brain region): {row['path']}")
            continue
        resized = resize_bilinear_aa(crop, size, size)
        images.append(np.clip(np.rint(resized), 0, 255).astype(np.uint8))
        labels.append(1 if row["label"] == "tumor" else 0)
        kept.append(row)
        if (i + 1) % 1000 == 0:
            log(f"  prepared {i + 1}/{len(rows)}")
    return np.stack(images), np.asarray(labels, np.int64), kept


def prepare_float(data_dir, rows, size):
    """Exact serving pixels (float32 after resize) for evaluation; rows without a region get None."""
    out = []
    for row in rows:
        rgb = read_rgb(os.path.join(data_dir, row["path"]))
        try:
            crop, _ = crop_brain_contour(rgb)
        except NoBrainRegion:
            out.append(None)
            continue
        out.append(resize_bilinear_aa(crop, size, size))
    return out
