"""The manifest (brainscan.json), the plots and the model card (README.md), from one training run."""
import datetime
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import metrics as M  # noqa: E402
import preprocess as P  # noqa: E402

# what train.py's --intensity draws (train.augment)
INTENSITY = {
    "mild": "gamma 0.6-1.65, contrast 0.7-1.5 about the crop's mean, gain 0.6-1.1",
    "wide": "a quarter of the draws a dark exposure (gamma 1.2-2.2, gain 0.45-0.85), a fifth a "
            "stretch of 1.3-2.0 about mid-grey clipped to 0-255, the rest gamma 0.6-1.65, contrast 0.7-1.5 "
            "about the crop's mean, gain 0.6-1.1; all rounded to 8 bits",
    "varied": "a quarter of the draws a dark exposure (gamma 1.2-2.2, gain 0.45-0.85), a fifth a "
              "stretch of 1.3-2.0 about a pivot drawn from 80-150, clipped to 0-255, the rest gamma 0.6-1.65, "
              "contrast 0.7-1.5 about the crop's mean, gain 0.6-1.1; all rounded to 8 bits",
}

GEOMETRY_TEXT = {"v2": "scale +-12 %, shift +-7 %",
                 "wide": "scale 0.8-1.2, shift +-10 %, aspect 0.85-1.18 (a crop box of another shape)"}

NOTICE = "Research use only. Not a medical device; not for diagnosis."


def _pct(k, n):
    """A share as a percentage that never rounds to 0 % or 100 % unless it is exactly that."""
    if n == 0:
        return "n/a"
    v = 100.0 * k / n
    text = f"{v:.1f} %"
    if k not in (0, n) and text in ("0.0 %", "100.0 %"):
        text = "< 0.1 %" if k < n / 2 else "> 99.9 %"
    return text


def promises(oof, threshold, low):
    p = oof["promises"]
    lo, hi = p["low"], p["high"]
    measured = (f"out-of-fold {_pct(lo['tumoursBelow'], lo['tumours'])} ({lo['tumoursBelow']}/{lo['tumours']}, "
                f"upper 95 % bound {100 * lo['shareUpper95']:.1f} %)")
    if lo["shareUpper95"] <= lo["promisedShare"]:
        low_text = (f"Of tumour scans like the training data, at most {100 * lo['promisedShare']:g} % score below "
                    f"{low:.2f} (the low tier); {measured}.")
    else:
        low_text = (f"No rule-out promise: the data cannot bound the share of tumours below {low:.2f} by "
                    f"{100 * lo['promisedShare']:g} %; {measured}.")
    high_text = (f"Of non-tumour scans like the training data, {_pct(hi['nonTumoursAbove'], hi['nonTumours'])} "
                 f"({hi['nonTumoursAbove']}/{hi['nonTumours']}, upper 95 % bound {100 * hi['shareUpper95']:.1f} %) "
                 f"scored at or above {threshold:.2f} (the high tier) out-of-fold.")
    return low_text, high_text


def manifest(args, mean, std, a, b, threshold, low, export_info, oof, desc, type_names, rows, timing):
    low_text, high_text = promises(oof, threshold, low)
    return {
        "name": args.name,
        "version": args.version,
        "file": "brainscan.onnx",
        "sha256": export_info["sha256"],
        "createdAt": datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        "notice": NOTICE,
        "input": {"name": "image", "height": args.size, "width": args.size, "channels": 3, "layout": "NCHW",
                  "colorOrder": "RGB", "mean": mean, "std": std,
                  "formula": "(v/255 - mean[c]) / std[c]; the three channels carry the same grey value"},
        "preprocessing": {
            "version": P.PREPROCESS_VERSION,
            "colour": "bt601-grey",
            "crop": {"method": "largest-external-contour", "grey": "bt601", "blurKernel": P.BLUR_KERNEL,
                     "blurSigma": 1.1, "threshold": P.THRESHOLD, "erodeIterations": P.MORPH_ITERATIONS,
                     "dilateIterations": P.MORPH_ITERATIONS, "minRegionFraction": P.MIN_REGION_FRACTION},
            "frame": {"method": "largest-dark-component", "minInside": P.FRAME_MIN_INSIDE,
                      "minOutside": P.FRAME_MIN_OUTSIDE, "minLit": P.FRAME_MIN_LIT,
                      "minEdgeDark": P.FRAME_MIN_EDGE_DARK, "minSideLit": P.FRAME_MIN_SIDE_LIT,
                      "piecesMinArea": P.FRAME_MIN_PIECE, "piecesMinEdgeDark": P.FRAME_PIECES_MIN_EDGE_DARK,
                      "piecesMaxInside": P.FRAME_PIECES_MAX_INSIDE},
            "dark": {"p99Below": P.DARK_P99, "adaptive": "otsu", "min": P.ADAPTIVE_MIN, "max": P.ADAPTIVE_MAX},
            "stretch": {"low": P.STRETCH_LOW, "high": P.STRETCH_HIGH, "minRange": P.STRETCH_MIN_RANGE},
            "resize": {"filter": "bilinear-antialias", "order": "rows-then-columns"},
        },
        "outputs": {
            "probability": {"shape": ["N", 1], "meaning": "calibrated probability of a tumour",
                            "calibration": {"method": "platt", "a": round(a, 6), "b": round(b, 6),
                                            "fittedOn": f"out-of-fold logits, {args.folds}-fold grouped cross-validation"}},
            "cam": {"shape": ["N"] + export_info["camShape"],
                    "meaning": "calibrated logit contribution per feature cell; its mean is the logit"},
            "tumor_type": {"shape": ["N", len(type_names)],
                           "meaning": "softmax over tumorTypes; the most likely type if the scan is a tumour"},
        },
        "tumorTypes": type_names,
        "decisionThreshold": threshold,
        "riskTiers": [{"name": "low", "upperBound": low, "promise": low_text},
                      {"name": "medium", "upperBound": threshold,
                       "promise": "Below the threshold but not cleared: tumours still occur in this band."},
                      {"name": "high", "upperBound": 1.0, "promise": high_text}],
        "selection": {
            "protocol": f"{args.folds}-fold cross-validation over train+val, grouped by near-duplicate group, "
                        "stratified by label; one evaluation image per group",
            "threshold": f"largest common margin over sensitivity >= {args.min_sensitivity} and specificity >= "
                         f"{args.min_specificity} on the out-of-fold scores (0.01 grid)",
            "lowTier": f"highest bound whose share of tumours below it has an upper 95 % Clopper-Pearson bound "
                       f"<= {args.low_tier_max_share} and whose tier tumour rate has an upper 95 % Clopper-Pearson "
                       f"bound <= {args.low_tier_max_rate}",
            "highTier": "starts at the decision threshold",
            "shipped": "trained with the same recipe on all folds' data; calibration from the out-of-fold logits",
        },
        "architecture": {"name": "small-typed", "parameters": desc["parameters"], "onnxBytes": desc["onnxBytes"],
                         "gflops": desc["gflops"], "opset": desc["opset"]},
        "training": {"seed": args.seed, "folds": args.folds, "intensityAugmentation": args.intensity,
                     "planeBalance": getattr(args, "plane_balance", "none"), "geometry": getattr(args, "geometry", "v2"), "lowTierMaxRate": args.low_tier_max_rate, "epochs": args.epochs,
                     "samplesPerEpoch": args.samples_per_epoch, "images": len(rows),
                     "groups": len({r["group"] for r in rows}), "minutes": timing},
        "metrics": {"split": "out-of-fold", **oof["overall"], "bySource": oof["bySource"],
                    "sensitivityByTumorType": oof["sensitivityByTumorType"], "tumorType": oof["tumorType"],
                    "promises": oof["promises"], "riskTiers": oof["riskTiers"],
                    "refusedByPreprocessing": oof.get("refusedByPreprocessing"),
                    "byPlane": oof.get("byPlane"), "byLevel": oof.get("byLevel"),
                    "byPlaneAndSource": oof.get("byPlaneAndSource"), "planeAudit": oof.get("planeAudit"),
                    "predictiveValues": oof.get("predictiveValues"),
                    "servingCheck": oof.get("servingCheck")},
    }


def plots(out, labels, probs):
    fig, ax = plt.subplots(figsize=(4.5, 4.5), dpi=110)
    fpr, tpr = M.roc_curve(labels, probs)
    ax.plot(fpr, tpr, label=f"out-of-fold (AUC {M.roc_auc(labels, probs):.4f})", lw=2)
    ax.plot([0, 1], [0, 1], color="grey", lw=0.5)
    ax.set_xlabel("1 - specificity")
    ax.set_ylabel("sensitivity")
    ax.set_title(f"ROC out-of-fold ({int(labels.sum())} tumour, {int((labels == 0).sum())} no tumour)", fontsize=9)
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "roc.png"))
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(4.5, 4.5), dpi=110)
    rows = M.reliability(labels, probs, bins=10)
    ax.plot([0, 1], [0, 1], color="grey", lw=0.5)
    ax.plot([r[0] for r in rows], [r[1] for r in rows], marker="o")
    for conf, acc, n in rows:
        ax.annotate(str(n), (conf, acc), textcoords="offset points", xytext=(4, -10), fontsize=7)
    ax.set_xlabel("calibrated score (mean in bin)")
    ax.set_ylabel("observed tumour rate")
    ax.set_title(f"Calibration out-of-fold (ECE {M.expected_calibration_error(labels, probs):.3f}; n per bin)",
                 fontsize=9)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "calibration.png"))
    plt.close(fig)


def _ci(v):
    return f"{v[0]:.3f}-{v[1]:.3f}"


def _rate(r):
    if not r["n"]:
        return "- (0 scans)"
    return f"{r['value']:.3f} ({r['k']}/{r['n']}; {_ci(r['ci95'])})"


def _loso_minutes(timing):
    m = timing.get("losoMinutes")
    return f"; leave-one-source-out models {', '.join(str(x) for x in m)} min" if m else ""


def _subset_rows(table):
    return "\n".join(
        f"| {name} | {v['scans']} | {_rate(v['sensitivity'])} | {_rate(v['specificity'])} | {v.get('rocAuc', '-')} |"
        for name, v in table.items())


def _planes_section(oof):
    audit = oof.get("planeAudit") or {}
    if "byPlane" not in oof or "planeAgreementCv" not in audit:
        return ""
    conf = audit["planeConfusionCv"]
    names = list(conf)
    confusion = "\n".join(f"| {a} | " + " | ".join(str(conf[a][b]) for b in names) + " |" for a in names)
    lconf = audit["axialLevelConfusionCv"]
    lnames = list(lconf)
    lconfusion = "\n".join(f"| {a} | " + " | ".join(str(lconf[a][b]) for b in lnames) + " |" for a in lnames)
    return f"""
## View plane and slice level
In the data, the view plane goes with the label: almost every normal slice is axial, while more than
half of the tumour slices are coronal or sagittal (the pituitary and meningioma sets). A model can
learn "not axial, so tumour", and figures pooled over all planes cannot show it. Every image therefore
gets a plane (axial, coronal, sagittal) and, when axial, a coarse level (base: orbits, skull base,
posterior fossa; mid; vertex), from `planes.py`: an SVM on features of the serving crop, fitted on
{audit['handLabels']} images labelled by looking at them (`plane_labels.csv`: one image per group,
drawn at random, half tumour, half no tumour). Cross-validated against those labels the plane agrees
on **{audit['planeAgreementCv']:.1%}**, the axial level on {audit['axialLevelAgreementCv']:.1%} (the vertex
is the weak class: see the table); coronal and sagittal slices are all given the level "mid".

| hand label \\ predicted (5-fold) | {' | '.join(names)} |
| --- | {' | '.join('---' for _ in names)} |
{confusion}

| axial level, hand \\ predicted (4-fold) | {' | '.join(lnames)} |
| --- | {' | '.join('---' for _ in lnames)} |
{lconfusion}

Training draws each class by stratum with the same weights
(axial base / mid / vertex 0.12 / 0.52 / 0.06, coronal 0.15, sagittal 0.15), so that the plane and level
no longer tell the classes apart in what the model sees; the few coronal and sagittal normal slices are
drawn far more often than before (hard negatives, with augmentation).

Out-of-fold, per plane (threshold {oof.get('threshold', '')}):

| plane | scans | sensitivity (k/n; 95 % CI) | specificity (k/n; 95 % CI) | ROC AUC |
| --- | --- | --- | --- | --- |
{_subset_rows(oof['byPlane'])}

Per level:

| level | scans | sensitivity (k/n; 95 % CI) | specificity (k/n; 95 % CI) | ROC AUC |
| --- | --- | --- | --- | --- |
{_subset_rows(oof['byLevel'])}

Per plane and source:

| plane / source | scans | sensitivity (k/n; 95 % CI) | specificity (k/n; 95 % CI) | ROC AUC |
| --- | --- | --- | --- | --- |
{_subset_rows(oof['byPlaneAndSource'])}

Coronal and sagittal normal slices are few (see the counts): their specificity intervals are wide,
and no figure here replaces a check on normal brains from elsewhere (`docs/model.md`).
"""


def _loso_section(oof):
    loso = oof.get("leaveOneSourceOut")
    if not loso:
        return ""
    rows = []
    for held, v in loso.items():
        o = v["overall"]
        if "rocAuc" not in o:
            continue
        c = o["confusion"]
        rows.append(f"| trained without {held}, scored on {held} | {o['scans']} | {o['rocAuc']} | "
                    f"{o['sensitivity']} ({c['tp']}/{c['tp'] + c['fn']}; {_ci(o['sensitivityCi95'])}) | "
                    f"{o['specificity']} ({c['tn']}/{c['tn'] + c['fp']}; {_ci(o['specificityCi95'])}) | "
                    f"{v['tumoursInLowTier'][0]}/{v['tumoursInLowTier'][1]} |")
    planes = []
    for held, v in loso.items():
        for plane, e in v["byPlane"].items():
            planes.append(f"| {held} | {plane} | {e['scans']} | {_rate(e['sensitivity'])} | {_rate(e['specificity'])} |")
    return f"""
## Leave-one-source-out: an estimate of external validity
The closest the data comes to "a hospital the model has never seen": a model trained with the same
recipe on one source only scores the other source (one image per group), with the out-of-fold
calibration and threshold of the shipped model.

| run | scans | ROC AUC | sensitivity (k/n; 95 % CI) | specificity (k/n; 95 % CI) | tumours in low tier |
| --- | --- | --- | --- | --- | --- |
{chr(10).join(rows)}

| scored source | plane | scans | sensitivity | specificity |
| --- | --- | --- | --- | --- |
{chr(10).join(planes)}

What it predicts: ranking (AUC) carries over between sources better than the threshold does. Each
source alone is a narrower training set than the shipped model's (Br35H has almost no coronal or
sagittal slices and no tumour types; Nickparvar's normals are partly Br35H's), so these figures are a pessimistic bound
for a new site that resembles one of the two sources, and say nothing certain about a site unlike both.
"""


def _pv(p, unit=True):
    """A probability as a percentage with the digits it needs (0.02 %, 7.3 %, 99.4 %)."""
    v = 100 * p
    text = f"{v:.2f}" if 0 < v < 1 else f"{v:.1f}"
    return text + (" %" if unit else "")


def _predictive_section(oof):
    pv = oof.get("predictiveValues")
    if not pv:
        return ""
    rows = []
    for e in pv:
        cells = []
        for tier in ("low", "medium", "high"):
            t = e[tier]
            cells.append(f"{_pv(t['tumourProbability'])} ({_pv(t['range95'][0], False)}-{_pv(t['range95'][1])})"
                         if t["tumourProbability"] is not None else "-")
        rows.append(f"| {100 * e['prevalence']:.0f} % ({e['source']}) | " + " | ".join(cells) + " |")
    return f"""
## What a tier means at your prevalence
The chance that a scan in a tier is a tumour depends on how common tumours are where the model is used.
From the out-of-fold rates at which tumours and normal scans land in each tier (Bayes' rule; the range
is what the rates' 95 % Wilson intervals allow):

| tumour prevalence | P(tumour) in low | in medium | in high |
| --- | --- | --- | --- |
{chr(10).join(rows)}

At 10 % prevalence a `high` scan is far less certain than the training data suggests: read the row
that matches your population.
"""


def card(out, man, oof, in_sample, desc, timing, refused):
    m = oof["overall"]
    c = m["confusion"]
    t = man["decisionThreshold"]
    low = man["riskTiers"][0]["upperBound"]
    low_text, high_text = promises(oof, t, low)
    sources = "\n".join(
        f"| {name} | {v['scans']} | {_rate(v['sensitivity'])} | {_rate(v['specificity'])} | {v.get('rocAuc', '-')} |"
        for name, v in oof["bySource"].items())
    types = "\n".join(f"| {name} | {_rate(v['sensitivity'])} |" for name, v in oof["sensitivityByTumorType"].items())
    tt = oof["tumorType"]
    order = tt["confusion"]["order"]
    matrix = "\n".join(f"| {order[i]} | " + " | ".join(str(v) for v in row) + " |"
                       for i, row in enumerate(tt["confusion"]["matrix"]))
    tiers = "\n".join(
        f"| {r['tier']} | {r['from']:.2f} <= score {'<=' if r['to'] >= 1.0 else '<'} {r['to']:.2f} | {r['scans']} | "
        f"{r['tumours']} | " + (f"{_pct(r['tumours'], r['scans'])} ({_ci(r['tumourRateCi95'])}) |" if r["scans"] else "- |")
        for r in oof["riskTiers"])
    steps = ", ".join(f"{k or 'v1 crop only'}: {v}" for k, v in oof["preprocessingSteps"].items())
    folds = man["training"]["folds"]
    text = f"""# Model card: {man['name']} {man['version']}

> **Research use only. Not a medical device; not for diagnosis.** A score from this model
> must not be used to decide anything about a patient.

`brainscan.onnx` classifies one axial, coronal or sagittal brain MR slice (any format the
service decodes: JPEG, PNG, WebP, BMP, GIF, or a DICOM MR frame), cropped to the brain by
preprocessing v2 below, as **tumour** or **no tumour**, with a calibrated probability, a
risk tier, a class-activation map and, for every scan, the most likely **tumour type**
(glioma, meningioma, pituitary). This card, the manifest `brainscan.json`, `oof.json`,
`roc.png` and `calibration.png` are written by one training run
(`models/training/train.py`); every figure below is that run's, measured **out-of-fold**.

## Data
`../shared/datasets/brain-mri` (`train` + `val`; the held-back `test` split was never
read): Br35H ("Brain Tumor Detection 2020", Ahmed Hamada) merged with the 224 px copy of
the "Brain Tumor MRI Dataset" (Masoud Nickparvar; glioma, meningioma and pituitary count
as tumour, and give the tumour type). Both are public Kaggle datasets; their images are
not redistributed by this project (not in the repository, the jar or the Lambda zip);
users obtain them from Kaggle under each dataset's own terms. The project has not verified
the provenance, consent or licensing of the images behind them; the weights are trained on
them, so check those terms before any use beyond research. The two sources share images and Br35H holds many brightness/contrast
copies of one slice, so images are grouped by a perceptual hash (near-copies share a
group) and a group never sits on both sides of a split.
{man['training']['images']} images in {man['training']['groups']} groups; {len(refused)} refused by preprocessing.

## Protocol: grouped cross-validation, out-of-fold figures
{folds}-fold cross-validation over `train` + `val`: groups are assigned to folds, stratified by label.
Each fold's model is trained on the other folds with a fixed recipe ({man['training']['epochs']} epochs of
{man['training']['samplesPerEpoch']} class-balanced, group-uniform draws; no epoch picked on held-out data) and
scores its held-out fold, **one image per group** (as the held-back test set is built): {m['scans']} scans,
{m['tumour']} tumour, {m['noTumour']} no tumour. Platt calibration, the decision threshold and the tier bounds
are chosen on these pooled out-of-fold scores, so they rest on {m['noTumour']} negatives rather than 119.

**The shipped model** is trained with the same recipe on all folds' data (more data than
any fold model, and one file to ship rather than an ensemble of {folds}), with the calibration
fitted on the out-of-fold logits. Its own figures cannot be measured without held-out data:
the out-of-fold figures below are the estimate for it (and for the held-back test set). On
the same evaluation images, which it trained on, it reaches AUC {in_sample['rocAuc']}, sensitivity
{in_sample['sensitivity']} and specificity {in_sample['specificity']}: in-sample, shown only as a check that it behaves like
the fold models, not as an estimate.

## Out-of-fold metrics (calibrated, threshold {t})
| metric | value | 95 % CI |
| --- | --- | --- |
| ROC AUC | {m['rocAuc']} | {_ci(m['rocAucCi95'])} (stratified bootstrap) |
| sensitivity | {m['sensitivity']} ({c['tp']}/{c['tp'] + c['fn']}) | {_ci(m['sensitivityCi95'])} (Wilson) |
| specificity | {m['specificity']} ({c['tn']}/{c['tn'] + c['fp']}) | {_ci(m['specificityCi95'])} (Wilson) |
| balanced accuracy | {m['balancedAccuracy']} | |
| expected calibration error (15 bins) | {m['ece']} (before calibration {m['eceUncalibrated']}) | |
| Brier score | {m['brier']} | |

Confusion at the threshold: TP {c['tp']}, FN {c['fn']}, TN {c['tn']}, FP {c['fp']}. The threshold is
the one on a 0.01 grid with the largest common margin over sensitivity >= 0.99 and
specificity >= 0.95 out-of-fold (ties to the lower, more sensitive threshold).

Per source:

| source | scans | sensitivity (k/n; 95 % CI) | specificity (k/n; 95 % CI) | ROC AUC |
| --- | --- | --- | --- | --- |
{sources}

Sensitivity per tumour type (the type known from the source; Br35H tumours are "unknown"):

| tumour type | sensitivity (k/n; 95 % CI) |
| --- | --- |
{types}

![ROC](roc.png) ![calibration](calibration.png)
{_planes_section(dict(oof, threshold=t))}{_loso_section(oof)}
## Tumour type
A second output, `tumor_type`, gives softmax probabilities over {', '.join(order)}. It is
trained on the tumours whose type is known (the loss is masked elsewhere) and is reported
for every scan, whatever the label, so a borderline scan's type can be seen; it means
something only if the scan is a tumour of one of these three types. Out-of-fold on
{tt['scans']} typed tumour scans: macro-F1 **{tt['macroF1']}**, accuracy {tt['accuracy']}
(F1 {', '.join(f'{k} {v}' for k, v in tt['f1'].items())}).

| true \\ predicted | {' | '.join(order)} |
| --- | {' | '.join('---' for _ in order)} |
{matrix}

Caveat: the types come from one source (Nickparvar) with its own labelling; other
pathologies (metastases, lymphoma, cysts, stroke) are forced into one of three types.

## Risk tiers and their promises
The score is calibrated out-of-fold on data whose tumour prevalence is
{m['tumour'] / m['scans']:.0%}: with another prevalence the same score means a different risk.

- **low** (score < {low:.2f}): {low_text}
- **medium** ({low:.2f} <= score < {t:.2f}): below the threshold but not cleared; tumours still occur here.
- **high** (score >= {t:.2f}, the `tumor` label): {high_text}

The low bound is the highest on a 0.01 grid whose share of tumours below it has an upper
95 % Clopper-Pearson bound of at most {oof['promises']['low']['promisedShare']:.0%} over the out-of-fold tumour scores,
and whose tier tumour rate has an upper 95 % Clopper-Pearson bound of at most
{man['training'].get('lowTierMaxRate', 0.03):.0%}.

| tier | score range | scans | tumours | tumour rate (95 % CI) |
| --- | --- | --- | --- | --- |
{tiers}
{_predictive_section(oof)}
## Preprocessing v2 (training = serving)
1. Decode to 8-bit RGB (EXIF orientation applied); an image over 700 px on its longer side is
   read as every n-th pixel (n = ceil(side / 700)), with the erosions and dilations below
   divided by n, rounded up; grey = BT.601 luma. The model sees the
   grey crop in all three channels, so a colour cast (photographed film, sepia) disappears.
2. Frame: the largest dark (blurred grey <= 45) 4-connected component; when the image
   outside its bounding box is mostly lit, the scan's edges are mostly dark and the frame
   lines each side, the box is the scan inside a screenshot or viewer frame. When that box
   fails, a second try takes the box around every dark piece of at least 0.5 % of the image
   (a tightly cropped slice splits its own background), if it covers at most 60 % of the
   image and its edges are at least 10 % dark. No train or val image changes by it.
3. Crop (the v1 contour crop): Gaussian blur 5x5, threshold > 45, erode x2, dilate x2,
   largest external contour, its extreme points. When the blurred grey's 99th percentile is
   under {P.DARK_P99} or no region reaches 1 %, the threshold is Otsu's (clamped to {P.ADAPTIVE_MIN}-{P.ADAPTIVE_MAX}),
   halved (not below {P.ADAPTIVE_MIN}) while no region reaches 1 % (a dark exposure's brain sits
   below Otsu's split of background from the brightest tissue).
4. Resize to {man['input']['height']}x{man['input']['width']} (antialiased bilinear, float), then stretch the crop's 1st-99th
   grey percentiles to 0-255 and clamp.
5. Normalise: (v/255 - {man['input']['mean'][0]}) / {man['input']['std'][0]}.

Steps taken on the evaluation images: {steps}.
Augmentation in training only: a quarter turn (half the draws), mirror, rotation +-15 deg,
{GEOMETRY_TEXT[man['training'].get('geometry', 'v2')]}; intensity "{man['training'].get('intensityAugmentation', 'mild')}": {INTENSITY[man['training'].get('intensityAugmentation', 'mild')]};
blur, noise; then the same percentile stretch serving applies.

## Architecture and cost
A compact CNN: a stride-2 stem and four stages of 3x3 conv + batch norm + ReLU (16-32,
48-48, 96-96, 128-128 channels, max-pool between stages), global average pool, a linear
tumour unit and a linear 3-way type head. The tumour head applied at every cell of the last
feature map is the class-activation map `cam`; its mean is the logit. Platt scaling
(a = {man['outputs']['probability']['calibration']['a']}, b = {man['outputs']['probability']['calibration']['b']}), the sigmoid and the
type softmax are inside the ONNX graph (opset {desc['opset']}, dynamic batch, `onnx.checker`;
OpenCV's DNN runtime reproduces PyTorch at export, and the Java tests check ONNX Runtime
against `brainscan.parity.json`).

| | value |
| --- | --- |
| parameters | {desc['parameters']:,} |
| ONNX file | {desc['onnxBytes'] / 1e6:.2f} MB |
| GFLOPs at {man['input']['height']} px (2 x multiply-adds) | {desc['gflops']} |
| CPU latency, PyTorch, 1 thread, batch 1 (median) | {desc['torchCpuLatencyMs1Thread']} ms |

## Intended use
A research and teaching demonstration of a serverless imaging pipeline: triage-style
ordering of single 2-D MR slices from sources like the training data. Not for
diagnosis, screening or treatment decisions, and not a substitute for a radiologist.

## Limitations
- Two public Kaggle datasets of unknown acquisition and labelling provenance; no
  patient-level information, so slices of one patient may still sit in two folds even
  after near-copy grouping; the out-of-fold figures may be optimistic for that reason.
- One slice at a time; no 3-D context, no sequence information (T1/T2/FLAIR mixed).
- The tumour class is glioma, meningioma and pituitary tumours of these datasets; other
  pathologies (metastases, stroke, haemorrhage, MS) were never seen and may score anything.
- Calibration and tiers reflect the data's prevalence ({m['tumour'] / m['scans']:.0%} tumour).
- The activation map shows where the evidence for "tumour" sits at 1/16 resolution; it is
  not a segmentation.

## How to retrain
```
sudo apt-get install python3-torch python3-torchvision python3-onnx python3-opencv python3-matplotlib python3-scipy python3-sklearn
/usr/bin/python3 models/training/train.py --data ../shared/datasets/brain-mri --out models/
/usr/bin/python3 models/training/quantize.py --data ../shared/datasets/brain-mri --models models/ --version X.Y.Z
```
Fixed seed ({man['training']['seed']}); CPU only. This run took {timing['totalMinutes']} minutes on 2 cores
({folds} folds: {', '.join(str(x) for x in timing['foldMinutes'])} min; final model {timing['finalMinutes']} min{_loso_minutes(timing)}).
It rewrites `brainscan.onnx`, `brainscan.json`, `brainscan.parity.json`, `oof.json`, this
card and the plots. Preprocessed pixels and fold checkpoints are cached under
`/tmp/brainscan-train` (never in the repository). `models/training/smoke_test.py` runs
the whole pipeline on a tiny generated dataset (CI runs it).
"""
    with open(os.path.join(out, "README.md"), "w") as f:
        f.write(text)
