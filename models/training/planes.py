"""View plane and coarse slice level of every training image (the confound audit of model v3).

The plane (axial, coronal, sagittal) and, for axial slices, the level (base, mid, vertex) are
predicted by a small classifier on the serving crop (a 32x32 thumbnail, left-right and
top-bottom symmetry, row and column profiles, a 4x4 grid of gradient-orientation
histograms), fitted on `plane_labels.csv`: images the authors labelled by looking at them
(one image per near-duplicate group, half tumour, half no tumour, drawn at random). Coronal and
sagittal slices get the level `edge` or `mid` only in the hand labels; the classifier gives
them `mid` (the data has too few edge labels to learn from).

    /usr/bin/python3 models/training/planes.py --data ../shared/datasets/brain-mri

prints the classifier's cross-validated agreement with the hand labels and the counts per
source, label and plane. train.py calls `assign` for the card and for plane-balanced sampling.
"""
import argparse
import csv
import os

import cv2
import numpy as np
from sklearn.decomposition import PCA
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

PLANES = ("axial", "coronal", "sagittal")
LEVELS = ("base", "mid", "vertex")
LABELS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "plane_labels.csv")


def features(pixels):
    """One row per 128x128 grey crop (uint8 or float16 in 0-255)."""
    out = []
    for px in pixels:
        c = px.astype(np.float32) / 255.0
        t = cv2.resize(c, (32, 32), interpolation=cv2.INTER_AREA)
        sym_lr = np.abs(t - t[:, ::-1]).mean()
        sym_tb = np.abs(t - t[::-1, :]).mean()
        gx = cv2.Sobel(c, cv2.CV_32F, 1, 0)
        gy = cv2.Sobel(c, cv2.CV_32F, 0, 1)
        mag, ang = np.hypot(gx, gy), np.arctan2(gy, gx) % np.pi
        cell = c.shape[0] // 4
        hog = []
        for by in range(4):
            for bx in range(4):
                sl = (slice(by * cell, (by + 1) * cell), slice(bx * cell, (bx + 1) * cell))
                h, _ = np.histogram(ang[sl], bins=8, range=(0, np.pi), weights=mag[sl])
                hog.append(h / (h.sum() + 1e-6))
        out.append(np.concatenate([t.ravel(), [sym_lr, sym_tb], t.mean(1), t.mean(0), np.concatenate(hog)]))
    return np.asarray(out, np.float32)


def _classifier():
    return make_pipeline(StandardScaler(), PCA(40, random_state=0), SVC(C=3))


def read_labels(path=LABELS):
    with open(path, newline="") as f:
        return {r["path"]: (r["plane"], r["level"]) for r in csv.DictReader(f)}


def assign(rows, pixels, labels=None, seed=0):
    """(plane per row, level per row, audit dict): the audit is the 5-fold cross-validated
    agreement of the classifier with the hand labels, with its confusion tables."""
    labels = labels if labels is not None else read_labels()
    feats = features(pixels)
    index = {r["path"]: i for i, r in enumerate(rows)}
    known = sorted(p for p in labels if p in index)
    xi = feats[[index[p] for p in known]]
    yp = np.asarray([labels[p][0] for p in known])
    cv = StratifiedKFold(5, shuffle=True, random_state=seed)
    pred = cross_val_predict(_classifier(), xi, yp, cv=cv)
    plane_model = _classifier().fit(xi, yp)
    plane = plane_model.predict(feats)

    axial = yp == "axial"
    yl = np.asarray([labels[p][1] for p in known])[axial]
    pred_l = cross_val_predict(_classifier(), xi[axial], yl, cv=StratifiedKFold(4, shuffle=True, random_state=seed))
    level_model = _classifier().fit(xi[axial], yl)
    level = np.where(plane == "axial", level_model.predict(feats), "mid")
    for i, p in enumerate(known):  # an image somebody looked at keeps its hand label
        plane[index[p]] = labels[p][0]
        level[index[p]] = labels[p][1] if labels[p][0] == "axial" else "mid"

    audit = {
        "method": "SVM (RBF) on 40 principal components of thumbnail, symmetry, profile and gradient features "
                  "of the serving crop; hand labels keep their label",
        "handLabels": len(known),
        "handLabelsPerPlane": {c: int((yp == c).sum()) for c in PLANES},
        "planeAgreementCv": round(float((pred == yp).mean()), 3),
        "planeConfusionCv": {c: {d: int(((yp == c) & (pred == d)).sum()) for d in PLANES} for c in PLANES},
        "axialLevelLabels": {c: int((yl == c).sum()) for c in LEVELS},
        "axialLevelAgreementCv": round(float((pred_l == yl).mean()), 3),
        "axialLevelConfusionCv": {c: {d: int(((yl == c) & (pred_l == d)).sum()) for d in LEVELS} for c in LEVELS},
    }
    return plane, level, audit


def main():
    import sys
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import train  # noqa: E402  (the same cached serving crops as training)
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", required=True)
    p.add_argument("--work", default=os.path.join(os.environ.get("TMPDIR", "/tmp"), "brainscan-train"))
    a = p.parse_args()
    args = train.parse_args(["--data", a.data, "--out", "/dev/null", "--work", a.work])
    pixels, rows, _, _ = train.load_data(args)
    plane, level, audit = assign(rows, pixels)
    import json
    print(json.dumps(audit, indent=1))
    counts = {}
    for r, pl in zip(rows, plane):
        key = (r["source"], r["label"], pl)
        counts[key] = counts.get(key, 0) + 1
    for k in sorted(counts):
        print(*k, counts[k])


if __name__ == "__main__":
    main()
