#!/usr/bin/python3
"""Slices of a normal adult head from outside the training data, for the external check of the card.

    /usr/bin/python3 tools/external_normal.py --out /tmp/external-normal [--volume ch2better] [--per-plane 25]
    ./brainscan classify --format csv /tmp/external-normal > /tmp/external-normal.csv

The volume is the Colin 27 single-subject T1 ("ch2", skull kept) that Debian's `mricron-data`
package installs under /usr/share/mricron/templates (MRIcron's templates; the Colin 27 scan is
the MNI's, distributed for research). No slice is ever trained or tuned on: it is an estimate of
how "no tumour" holds on a normal brain from another scanner and another protocol. Slices are
evenly spaced over the central 70 % of the head along each axis (base to vertex, front to back,
left to right), rendered as 8-bit PNG with a 1-99.5th percentile window, in radiological view.
"""
import argparse
import os

import cv2
import nibabel as nib
import numpy as np

TEMPLATES = "/usr/share/mricron/templates"


def slices(volume, per_plane):
    img = nib.as_closest_canonical(nib.load(os.path.join(TEMPLATES, volume + ".nii.gz")))
    data = np.asarray(img.get_fdata(), np.float32)  # x: left->right, y: posterior->anterior, z: inferior->superior
    head = data > np.percentile(data, 60)
    lo_v, hi_v = np.percentile(data[head], 1), np.percentile(data[head], 99.5)
    out = {}
    for plane, axis in (("sagittal", 0), ("coronal", 1), ("axial", 2)):
        other = tuple(a for a in range(3) if a != axis)
        present = np.flatnonzero(head.any(axis=other))
        first, last = present[0], present[-1]
        span = last - first
        positions = np.linspace(first + 0.15 * span, last - 0.15 * span, per_plane).round().astype(int)
        for k, pos in enumerate(positions):
            s = np.take(data, pos, axis=axis)
            if plane == "axial":      # rows anterior->posterior, columns patient right->left
                view = s.T[::-1, :]
            elif plane == "coronal":  # rows superior->inferior, columns patient right->left
                view = s.T[::-1, :]
            else:                     # rows superior->inferior, columns anterior on the right
                view = s.T[::-1, :]
            u8 = (np.clip((view - lo_v) / (hi_v - lo_v), 0, 1) * 255).round().astype(np.uint8)
            out[f"{plane}-{k:02d}.png"] = u8
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", required=True)
    p.add_argument("--volume", default="ch2", help="ch2 (1 mm, skull kept) or ch2better (0.6 mm, brain only); both Colin 27")
    p.add_argument("--per-plane", type=int, default=25)
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    for name, u8 in slices(a.volume, a.per_plane).items():
        cv2.imwrite(os.path.join(a.out, name), u8)
    print(f"{3 * a.per_plane} slices in {a.out}")


if __name__ == "__main__":
    main()
