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


def crop_box(rgb, step=1):
    """Return (x, y, w, h) of the brain crop for an HxWx3 uint8 RGB image (OpenCV reference)."""
    return crop_box_grey(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), THRESHOLD, step)


def crop_brain_contour(rgb, step=1):
    x, y, w, h = crop_box(rgb, step)
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


# The working resolution (docs/preprocessing.md): an image whose longer side is over WORKING_SIDE
# px is read as every n-th pixel in each direction, n the smallest step that brings that side to
# WORKING_SIDE or under (Java: ReducedDecode; ImageIO's subsampled read keeps these same pixels).
WORKING_SIDE = 700


def working_step(height, width):
    side = max(height, width)
    return 1 if side <= WORKING_SIDE else -(-side // WORKING_SIDE)


def working_resolution(rgb):
    """(the image at the working resolution, its step n)."""
    step = working_step(*rgb.shape[:2])
    return (rgb[::step, ::step] if step > 1 else rgb), step


def box_to_source(box, step, height, width):
    """A box (x, y, w, h) on the reduced image as the source pixels it covers, clipped."""
    if step == 1:
        return box
    x, y, bw, bh = box
    sx, sy = min(x * step, width - 1), min(y * step, height - 1)
    right, bottom = min((x + bw) * step, width), min((y + bh) * step, height)
    return sx, sy, max(1, right - sx), max(1, bottom - sy)


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
        rgb, step = working_resolution(read_rgb(os.path.join(data_dir, row["path"])))
        try:
            crop, _ = crop_brain_contour(rgb, step)
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
        rgb, step = working_resolution(read_rgb(os.path.join(data_dir, row["path"])))
        try:
            crop, _ = crop_brain_contour(rgb, step)
        except NoBrainRegion:
            out.append(None)
            continue
        out.append(resize_bilinear_aa(crop, size, size))
    return out


# ---------------------------------------------------------------------------------------
# Preprocessing v2 (docs/contracts.md "Preprocessing v2"): the same crop where v1 works, plus
# a frame finder (screenshots), an adaptive threshold (dark scans), grey model input
# (colour casts) and a percentile stretch of the crop (exposure and contrast). Every step is
# integer or float32 arithmetic the Java core reproduces exactly.
# ---------------------------------------------------------------------------------------
PREPROCESS_VERSION = 2
DARK_P99 = 90            # blurred-grey 99th percentile under this: the fixed threshold is too high
ADAPTIVE_MIN, ADAPTIVE_MAX = 8, 45
FRAME_MIN_INSIDE = 0.15  # the scan rectangle covers at least this share of the image
FRAME_MIN_OUTSIDE = 0.04 # and the frame at least this share
FRAME_MIN_LIT = 0.5      # the frame is mostly lit (above the crop threshold)
FRAME_MIN_EDGE_DARK = 0.75  # and the scan's own edges are mostly its dark background
FRAME_MIN_SIDE_LIT = 0.9    # and the frame lines each side of the scan
FRAME_MIN_PIECE = 0.005     # second try: the box around every dark piece of at least this share
FRAME_PIECES_MIN_EDGE_DARK = 0.1  # whose edges need only this dark share (the brain may touch them)
FRAME_PIECES_MAX_INSIDE = 0.6     # and which covers at most this share (a viewer frame is large)
STRETCH_LOW, STRETCH_HIGH = 0.01, 0.99
STRETCH_MIN_RANGE = 16


def grey_of(rgb):
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)


def blurred(grey):
    return cv2.GaussianBlur(grey, (BLUR_KERNEL, BLUR_KERNEL), 0)


def percentile_u8(hist, fraction):
    """Smallest v with cumulative count >= fraction * total (integer arithmetic on counts)."""
    total = int(hist.sum())
    need = int(np.ceil(fraction * total)) if total else 0
    need = max(need, 1)
    c = np.cumsum(hist)
    return int(np.searchsorted(c, need))


def otsu_u8(hist):
    """Otsu's threshold over a 256-bin histogram (the largest between-class variance; ties to the lowest)."""
    total = float(hist.sum())
    levels = np.arange(256, dtype=np.float64)
    sum_all = float((levels * hist).sum())
    best, best_t = -1.0, 0
    w0 = 0.0
    s0 = 0.0
    for t in range(256):
        w0 += float(hist[t])
        s0 += t * float(hist[t])
        w1 = total - w0
        if w0 == 0 or w1 == 0:
            continue
        m0 = s0 / w0
        m1 = (sum_all - s0) / w1
        var = w0 * w1 * (m0 - m1) ** 2
        if var > best:
            best, best_t = var, t
    return best_t


def morph_iterations(step):
    """Erosions (and dilations) at the working resolution: the count divided by the step, rounded up."""
    return -(-MORPH_ITERATIONS // step)


def crop_box_grey(grey, threshold=THRESHOLD, step=1):
    """v1 crop on a grey image with a given threshold: (x, y, w, h), raises NoBrainRegion."""
    g = blurred(grey)
    thresh = cv2.threshold(g, threshold, 255, cv2.THRESH_BINARY)[1]
    thresh = cv2.erode(thresh, None, iterations=morph_iterations(step))
    thresh = cv2.dilate(thresh, None, iterations=morph_iterations(step))
    contours, _ = cv2.findContours(thresh, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        raise NoBrainRegion("no region above the threshold")
    c = max(contours, key=cv2.contourArea)
    if cv2.contourArea(c) < MIN_REGION_FRACTION * grey.shape[0] * grey.shape[1]:
        raise NoBrainRegion("largest region is under 1% of the image")
    left, right = int(c[:, :, 0].min()), int(c[:, :, 0].max())
    top, bottom = int(c[:, :, 1].min()), int(c[:, :, 1].max())
    if right <= left or bottom <= top:
        raise NoBrainRegion("degenerate region")
    return left, top, right - left, bottom - top


def find_frame(grey):
    """The scan inside a screenshot or viewer frame: (x, y, w, h), or None when there is no frame.

    The scan's own dark background is the largest dark (<= threshold after the blur)
    4-connected component; when the image outside its bounding box is mostly lit (a light
    viewer background, bars, panels) and large enough, that box is the scan. When that box
    fails the tests (a brain touching the scan's edges cuts its background into pieces), a
    second try takes the box around every dark component of at least FRAME_MIN_PIECE of the
    image (text glyphs are smaller) with the same tests, its edges dark in at least
    FRAME_PIECES_MIN_EDGE_DARK and its area at most FRAME_PIECES_MAX_INSIDE of the image.
    """
    h, w = grey.shape
    dark = (blurred(grey) <= THRESHOLD).astype(np.uint8)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(dark, connectivity=4)
    if n <= 1:
        return None
    areas = stats[1:, cv2.CC_STAT_AREA]
    k = 1 + int(np.argmax(areas))  # ties: the lowest label (first in raster order)
    box = (int(stats[k, cv2.CC_STAT_LEFT]), int(stats[k, cv2.CC_STAT_TOP]),
           int(stats[k, cv2.CC_STAT_WIDTH]), int(stats[k, cv2.CC_STAT_HEIGHT]))
    if _frame_ok(dark, box, FRAME_MIN_EDGE_DARK):
        return box
    pieces = [j for j in range(1, n) if int(stats[j, cv2.CC_STAT_AREA]) >= FRAME_MIN_PIECE * w * h]
    if not pieces:
        return None
    x0 = min(int(stats[j, cv2.CC_STAT_LEFT]) for j in pieces)
    y0 = min(int(stats[j, cv2.CC_STAT_TOP]) for j in pieces)
    x1 = max(int(stats[j, cv2.CC_STAT_LEFT]) + int(stats[j, cv2.CC_STAT_WIDTH]) for j in pieces)
    y1 = max(int(stats[j, cv2.CC_STAT_TOP]) + int(stats[j, cv2.CC_STAT_HEIGHT]) for j in pieces)
    box = (x0, y0, x1 - x0, y1 - y0)
    if box[2] * box[3] > FRAME_PIECES_MAX_INSIDE * w * h:
        return None
    if _frame_ok(dark, box, FRAME_PIECES_MIN_EDGE_DARK):
        return box
    return None


def _frame_ok(dark, box, min_edge_dark):
    h, w = dark.shape
    x, y, bw, bh = box
    inside = bw * bh
    outside = w * h - inside
    if inside < FRAME_MIN_INSIDE * w * h or outside < FRAME_MIN_OUTSIDE * w * h:
        return False
    dark_outside = int(dark.sum()) - int(dark[y:y + bh, x:x + bw].sum())
    if (outside - dark_outside) < FRAME_MIN_LIT * outside:
        return False
    b = dark[y:y + bh, x:x + bw]
    edge_dark = int(b[0, :].sum()) + int(b[-1, :].sum()) + int(b[1:-1, 0].sum()) + int(b[1:-1, -1].sum())
    edge_len = 2 * bw + 2 * max(bh - 2, 0)
    if edge_dark < min_edge_dark * edge_len:
        return False
    # the frame meets the scan along straight lines: just outside every side of the box
    # that is not the image border, the frame is lit almost everywhere
    sides = []
    if y > 0:
        sides.append(dark[y - 1, x:x + bw])
    if y + bh < h:
        sides.append(dark[y + bh, x:x + bw])
    if x > 0:
        sides.append(dark[y:y + bh, x - 1])
    if x + bw < w:
        sides.append(dark[y:y + bh, x + bw])
    for side in sides:
        if int(side.sum()) > (1 - FRAME_MIN_SIDE_LIT) * side.size:
            return False
    return True


def preprocess_v2(rgb, step=1):
    """(grey crop uint8 HxW, box (x, y, w, h) in the image, steps, (lo, hi) of the stretch); step: the
    image is every step-th pixel of its source (working_resolution)."""
    grey = grey_of(rgb)
    steps = []
    frame = find_frame(grey)
    fx, fy = 0, 0
    sub = grey
    if frame is not None:
        fx, fy, fw, fh = frame
        sub = grey[fy:fy + fh, fx:fx + fw]
        steps.append("frame")
    hist = np.bincount(blurred(sub).ravel(), minlength=256)
    try:
        if percentile_u8(hist, 0.99) < DARK_P99:
            raise NoBrainRegion("dark")
        x, y, bw, bh = crop_box_grey(sub, THRESHOLD, step)
    except NoBrainRegion:
        t = min(max(otsu_u8(hist), ADAPTIVE_MIN), ADAPTIVE_MAX)
        x, y, bw, bh = _adaptive_box(sub, t, step)
        steps.append("adaptive-threshold")
    crop = sub[y:y + bh, x:x + bw]
    lo, hi = stretch_bounds(crop)
    return crop, (x + fx, y + fy, bw, bh), steps, (lo, hi)


def _adaptive_box(grey, t, step=1):
    """Otsu's threshold, halved (never below ADAPTIVE_MIN) while no region reaches the minimum: in a
    dark exposure the brain sits below Otsu's split of black background from the brightest tissue."""
    while True:
        try:
            return crop_box_grey(grey, t, step)
        except NoBrainRegion:
            if t <= ADAPTIVE_MIN:
                raise
            t = max(ADAPTIVE_MIN, t // 2)


def stretch_bounds(grey_crop):
    hist = np.bincount(grey_crop.ravel(), minlength=256)
    lo = percentile_u8(hist, STRETCH_LOW)
    hi = percentile_u8(hist, STRETCH_HIGH)
    if hi - lo < STRETCH_MIN_RANGE:
        hi = min(255, lo + STRETCH_MIN_RANGE)
        lo = hi - STRETCH_MIN_RANGE
    return lo, hi


def resize_grey_stretched(grey_crop, lo, hi, height, width):
    """Resize (the v1 filter, float32) then stretch [lo, hi] -> [0, 255] and clamp; HxW float32."""
    wy = _triangle_weights(grey_crop.shape[0], height).astype(np.float32)
    wx = _triangle_weights(grey_crop.shape[1], width).astype(np.float32)
    out = wy @ grey_crop.astype(np.float32) @ wx.T
    scale = np.float32(255.0) / np.float32(hi - lo)
    out = (out - np.float32(lo)) * scale
    return np.clip(out, np.float32(0), np.float32(255)).astype(np.float32)


def serving_pixels_v2(rgb, size, reduced_step=None):
    """HxWx3 float32 [0,255] model pixels (grey replicated) for one decoded RGB image, box and steps.
    reduced_step: the image is already at the working resolution, every reduced_step-th pixel of its
    source (the Java decoder's pixels, in the parity dump); the box then stays on the given pixels."""
    height, width = rgb.shape[:2]
    if reduced_step is None:
        rgb, step = working_resolution(rgb)
    else:
        step = reduced_step
    crop, box, steps, (lo, hi) = preprocess_v2(rgb, step)
    g = resize_grey_stretched(crop, lo, hi, size, size)
    if step > 1 and reduced_step is None:
        box, steps = box_to_source(box, step, height, width), ["reduced"] + steps
    return np.repeat(g[:, :, None], 3, axis=2), box, steps
