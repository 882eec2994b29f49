"""Dump preprocess_v2 results for the Java parity test (PreprocessingParityIT).

Reads decoded images from --raw (repeated: int32 width, int32 height, int32 working-resolution
step, little-endian, then width*height*3 RGB bytes; the Java test writes what its decoder gave
(an image over 700 px already reduced, with its step), so the comparison is
of preprocessing alone), writes one binary record per image to --out,
little-endian: int32 status (0 ok, 1 NoBrainRegion), int32 x, y, w, h, lo, hi, int32 step
bits (1 frame, 2 adaptive-threshold), then size*size float32 model pixels (one grey plane)
when the status is 0. Uses preprocess.py unchanged.
"""
import argparse
import os
import struct
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import preprocess  # noqa: E402

STEP_BITS = {"frame": 1, "adaptive-threshold": 2}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--raw", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--size", type=int, default=128)
    a = ap.parse_args()
    with open(a.raw, "rb") as f, open(a.out, "wb") as out:
        while True:
            header = f.read(12)
            if len(header) < 12:
                break
            w, h, step = struct.unpack("<3i", header)
            rgb = np.frombuffer(f.read(w * h * 3), dtype=np.uint8).reshape(h, w, 3)
            try:
                pixels, box, steps = preprocess.serving_pixels_v2(rgb, a.size, reduced_step=step)
                _, _, _, (lo, hi) = preprocess.preprocess_v2(rgb, step)
            except preprocess.NoBrainRegion:
                out.write(struct.pack("<8i", 1, 0, 0, 0, 0, 0, 0, 0))
                continue
            bits = sum(STEP_BITS[s] for s in steps)
            out.write(struct.pack("<8i", 0, *box, lo, hi, bits))
            out.write(np.ascontiguousarray(pixels[:, :, 0], dtype="<f4").tobytes())


if __name__ == "__main__":
    main()
