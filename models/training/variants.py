"""Real-world variants of dataset scans, for evaluation (issue 11): what users upload.

Ten families, each applied to its own seeded sample of a split's scans:

  film-photo   phone photo of a film: warm colour cast, vignette, slight blur, small tilt
  screenshot   the scan inside a larger viewer frame with bars, a side panel and text,
               on a light or a dark background
  dark         dark exposure: gamma 1.3-1.8 and gain 0.5-0.8
  contrast     stronger contrast: a linear stretch of 1.4-1.9 about mid-grey, clipped
  rot90        rotated by 90 degrees (clockwise or anticlockwise)
  annotated    burned-in annotations: text, a measurement line, a circle
  mirrored     left-right mirror
  jpeg20       re-encoded at JPEG quality 20
  small        downscaled to 128 px wide
  upscaled     upscaled 2.5x (bicubic)

Deterministic for a seed: the same arguments give the same files, byte for byte.

    /usr/bin/python3 models/training/variants.py --data ../shared/datasets/brain-mri \\
        --split val --per-family 120 --out /tmp/variants

writes OUT/<family>/<original name>.{jpg,png} and OUT/variants.csv (path relative to OUT,
family, original path, label). Nothing derived from the dataset belongs in the repository.
"""
import argparse
import csv
import math
import os

import cv2
import numpy as np

FAMILIES = ["film-photo", "screenshot", "dark", "contrast", "rot90", "annotated", "mirrored", "jpeg20",
            "small", "upscaled"]


def _jpeg(img_rgb, quality):
    ok, buf = cv2.imencode(".jpg", cv2.cvtColor(img_rgb, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return buf.tobytes(), "jpg"


def _png(img_rgb):
    ok, buf = cv2.imencode(".png", cv2.cvtColor(img_rgb, cv2.COLOR_RGB2BGR))
    assert ok
    return buf.tobytes(), "png"


def film_photo(rgb, rng):
    h, w = rgb.shape[:2]
    img = rgb.astype(np.float32)
    angle = rng.uniform(-4, 4)
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    img = cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    sigma = rng.uniform(0.6, 1.4)
    img = cv2.GaussianBlur(img, (0, 0), sigma)
    # warm cast: per-channel gain and a small lift (film base and light box)
    gains = np.array([1.0, rng.uniform(0.78, 0.9), rng.uniform(0.55, 0.72)], np.float32)
    lift = np.array([rng.uniform(8, 20), rng.uniform(4, 12), rng.uniform(0, 5)], np.float32)
    img = img * gains + lift
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    r = np.sqrt(((xx - w / 2) / (w / 2)) ** 2 + ((yy - h / 2) / (h / 2)) ** 2)
    strength = rng.uniform(0.25, 0.45)
    img = img * (1 - strength * np.clip(r / math.sqrt(2), 0, 1) ** 2)[:, :, None]
    img = img + rng.normal(0, 2.0, img.shape).astype(np.float32)  # sensor noise
    return _jpeg(np.clip(np.rint(img), 0, 255).astype(np.uint8), int(rng.integers(80, 93)))


def screenshot(rgb, rng):
    h, w = rgb.shape[:2]
    light = bool(rng.integers(0, 2))
    bg = int(rng.integers(215, 246)) if light else int(rng.integers(55, 80))
    bar = int(rng.integers(150, 200)) if light else int(rng.integers(85, 120))
    text = (40, 40, 40) if light else (225, 225, 225)
    scale = rng.uniform(0.8, 1.2)
    sw, sh = max(32, int(round(w * scale))), max(32, int(round(h * scale)))
    scan = cv2.resize(rgb, (sw, sh), interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC)
    top = int(rng.integers(28, 48))      # toolbar
    bottom = int(rng.integers(18, 36))   # status bar
    side = int(rng.integers(int(0.25 * sw), int(0.6 * sw) + 1))  # side panel (series list)
    pad = int(rng.integers(8, 30))
    cw, ch = side + sw + 2 * pad, top + sh + bottom + 2 * pad
    canvas = np.full((ch, cw, 3), bg, np.uint8)
    cv2.rectangle(canvas, (0, 0), (cw - 1, top - 1), (bar, bar, bar), -1)
    cv2.rectangle(canvas, (0, ch - bottom), (cw - 1, ch - 1), (bar, bar, bar), -1)
    for i in range(4):  # toolbar buttons
        x = 8 + i * 30
        cv2.rectangle(canvas, (x, 6), (x + 22, top - 7), (bg, bg, bg), -1)
    fs = 0.4
    cv2.putText(canvas, "Series 3  Ax T1  Im 12/24", (side + pad, ch - bottom // 2 + 4),
                cv2.FONT_HERSHEY_SIMPLEX, fs, text, 1, cv2.LINE_AA)
    for i in range(6):  # series list
        y = top + pad + 14 + i * 22
        if y < ch - bottom - 4:
            cv2.putText(canvas, f"Series {i + 1}", (6, y), cv2.FONT_HERSHEY_SIMPLEX, fs, text, 1, cv2.LINE_AA)
    x0, y0 = side + pad, top + pad
    canvas[y0:y0 + sh, x0:x0 + sw] = scan
    return _png(canvas)


def dark(rgb, rng):
    # v1 refuses about half of these (the issue's own dark family: a third)
    g = rng.uniform(1.3, 1.8)
    gain = rng.uniform(0.5, 0.8)
    img = 255.0 * gain * (rgb.astype(np.float32) / 255.0) ** g
    return _jpeg(np.clip(np.rint(img), 0, 255).astype(np.uint8), 92)


def contrast(rgb, rng):
    k = rng.uniform(1.4, 1.9)
    centre = rng.uniform(90, 130)
    img = (rgb.astype(np.float32) - centre) * k + centre
    return _jpeg(np.clip(np.rint(img), 0, 255).astype(np.uint8), 92)


def rot90(rgb, rng):
    code = cv2.ROTATE_90_CLOCKWISE if rng.integers(0, 2) else cv2.ROTATE_90_COUNTERCLOCKWISE
    return _jpeg(cv2.rotate(rgb, code), 92)


def annotated(rgb, rng):
    img = rgb.copy()
    h, w = img.shape[:2]
    fs = max(0.35, w / 600)
    white = (255, 255, 255)
    cv2.putText(img, "L", (int(0.04 * w), int(0.5 * h)), cv2.FONT_HERSHEY_SIMPLEX, fs, white, 1, cv2.LINE_AA)
    cv2.putText(img, f"ID {int(rng.integers(1000, 9999))}  SE 4 IM {int(rng.integers(1, 30))}",
                (int(0.03 * w), int(0.06 * h) + 8), cv2.FONT_HERSHEY_SIMPLEX, fs, white, 1, cv2.LINE_AA)
    cv2.putText(img, "W 800 L 400", (int(0.55 * w), int(0.96 * h)), cv2.FONT_HERSHEY_SIMPLEX, fs, white, 1,
                cv2.LINE_AA)
    x1, y1 = int(rng.uniform(0.3, 0.5) * w), int(rng.uniform(0.3, 0.6) * h)
    x2, y2 = x1 + int(0.2 * w), y1 + int(rng.uniform(-0.1, 0.1) * h)
    cv2.line(img, (x1, y1), (x2, y2), (255, 255, 0), 1, cv2.LINE_AA)
    cv2.putText(img, f"{rng.uniform(5, 40):.1f} mm", (x1, y1 - 6), cv2.FONT_HERSHEY_SIMPLEX, fs * 0.8,
                (255, 255, 0), 1, cv2.LINE_AA)
    cv2.circle(img, (int(rng.uniform(0.35, 0.65) * w), int(rng.uniform(0.35, 0.65) * h)), int(0.06 * w),
               (255, 255, 255), 1, cv2.LINE_AA)
    return _jpeg(img, 92)


def mirrored(rgb, rng):
    return _jpeg(np.ascontiguousarray(rgb[:, ::-1]), 92)


def jpeg20(rgb, rng):
    return _jpeg(rgb, 20)


def small(rgb, rng):
    h, w = rgb.shape[:2]
    nh = max(1, int(round(h * 128 / w)))
    return _jpeg(cv2.resize(rgb, (128, nh), interpolation=cv2.INTER_AREA), 92)


def upscaled(rgb, rng):
    h, w = rgb.shape[:2]
    return _jpeg(cv2.resize(rgb, (int(round(w * 2.5)), int(round(h * 2.5))), interpolation=cv2.INTER_CUBIC), 92)


MAKERS = {"film-photo": film_photo, "screenshot": screenshot, "dark": dark, "contrast": contrast, "rot90": rot90,
          "annotated": annotated, "mirrored": mirrored, "jpeg20": jpeg20, "small": small, "upscaled": upscaled}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True, help="dataset directory with manifest.csv")
    ap.add_argument("--split", default="val")
    ap.add_argument("--per-family", type=int, default=120)
    ap.add_argument("--families", default=",".join(FAMILIES), help="comma-separated subset")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--out", required=True)
    a = ap.parse_args(argv)
    with open(os.path.join(a.data, "manifest.csv"), newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["split"] == a.split]
    rows.sort(key=lambda r: r["path"])
    families = [x for x in a.families.split(",") if x]
    for fam in families:
        if fam not in MAKERS:
            raise SystemExit(f"unknown family {fam}; known: {', '.join(FAMILIES)}")
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "variants.csv"), "w", newline="") as f:
        out = csv.writer(f)
        out.writerow(["path", "family", "original", "label"])
        for fam in families:
            fi = FAMILIES.index(fam)
            rng = np.random.default_rng([a.seed, fi])
            pick = rng.permutation(len(rows))[:a.per_family]
            os.makedirs(os.path.join(a.out, fam), exist_ok=True)
            for i in sorted(pick):
                row = rows[i]
                bgr = cv2.imread(os.path.join(a.data, row["path"]), cv2.IMREAD_COLOR)
                if bgr is None:
                    continue
                data, ext = MAKERS[fam](cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB), np.random.default_rng([a.seed, fi, i]))
                name = os.path.splitext(os.path.basename(row["path"]))[0] + "." + ext
                rel = os.path.join(fam, name)
                with open(os.path.join(a.out, rel), "wb") as g:
                    g.write(data)
                out.writerow([rel, fam, row["path"], row["label"]])
    print(f"wrote {a.out}/variants.csv")


if __name__ == "__main__":
    main()
