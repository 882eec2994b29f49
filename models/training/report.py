"""The manifest (brainscan.json), the plots and the model card (README.md), from one training run."""
import datetime
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import metrics as M  # noqa: E402
import preprocess as P  # noqa: E402

NOTICE = "Research use only. Not a medical device; not for diagnosis."


def manifest(args, mean, std, a, b, threshold, low, high, export_info, small_metrics, tiers,
             small_desc, small_info, train, train_rows, val_rows):
    return {
        "name": args.name,
        "version": args.version,
        "file": "brainscan.onnx",
        "sha256": export_info["sha256"],
        "createdAt": datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        "notice": NOTICE,
        "input": {"name": "image", "height": args.size, "width": args.size, "channels": 3, "layout": "NCHW",
                  "colorOrder": "RGB", "mean": mean, "std": std,
                  "formula": "(v/255 - mean[c]) / std[c]"},
        "preprocessing": {
            "crop": {"method": "largest-external-contour", "grey": "bt601", "blurKernel": P.BLUR_KERNEL,
                     "blurSigma": 1.1, "threshold": P.THRESHOLD, "erodeIterations": P.MORPH_ITERATIONS,
                     "dilateIterations": P.MORPH_ITERATIONS, "minRegionFraction": P.MIN_REGION_FRACTION},
            "resize": {"filter": "bilinear-antialias", "order": "rows-then-columns"},
        },
        "outputs": {
            "probability": {"shape": ["N", 1], "meaning": "calibrated probability of a tumour",
                            "calibration": {"method": "platt", "a": round(a, 6), "b": round(b, 6),
                                            "fittedOn": "val"}},
            "cam": {"shape": ["N"] + export_info["camShape"],
                    "meaning": "calibrated logit contribution per feature cell; its mean is the logit"},
        },
        "decisionThreshold": threshold,
        "riskTiers": [{"name": "low", "upperBound": low}, {"name": "medium", "upperBound": high},
                      {"name": "high", "upperBound": 1.0}],
        "architecture": {"name": "small", "parameters": small_desc["parameters"],
                         "onnxBytes": export_info["bytes"], "gflops": small_desc["gflops"],
                         "opset": export_info["opset"]},
        "training": {"seed": args.seed, "epochs": small_info["epochs"], "chosenEpoch": small_info["chosenEpoch"],
                     "trainImages": int(len(train["labels"])),
                     "trainGroups": int(len(set(train["groups"].tolist()))),
                     "valScans": len(val_rows), "distillationWeight": args.distill},
        "metrics": {"split": "val", **small_metrics, "riskTiers": tiers},
    }


def plots(out, labels, probs, reference_probs):
    fig, ax = plt.subplots(figsize=(4.5, 4.5), dpi=110)
    fpr, tpr = M.roc_curve(labels, probs)
    ax.plot(fpr, tpr, label=f"shipped small CNN (AUC {M.roc_auc(labels, probs):.4f})", lw=2)
    if reference_probs is not None:
        rf, rt = M.roc_curve(labels, reference_probs)
        ax.plot(rf, rt, label=f"reference CNN (AUC {M.roc_auc(labels, reference_probs):.4f})", lw=1, ls="--")
    ax.plot([0, 1], [0, 1], color="grey", lw=0.5)
    ax.set_xlabel("1 - specificity")
    ax.set_ylabel("sensitivity")
    ax.set_title(f"ROC on val ({int(labels.sum())} tumour, {int((labels == 0).sum())} no tumour)", fontsize=9)
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
    ax.set_title(f"Calibration on val (ECE {M.expected_calibration_error(labels, probs):.3f}; n per bin)", fontsize=9)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "calibration.png"))
    plt.close(fig)


def _ci(v):
    return f"{v[0]:.3f}-{v[1]:.3f}"


def card(out, man, small, reference, reference_metrics, reference_info, small_info, seconds):
    m = man["metrics"]
    c = m["confusion"]
    tiers = "\n".join(
        f"| {t['tier']} | {t['from']:.2f} <= score {'<=' if t['to'] >= 1.0 else '<'} {t['to']:.2f} | {t['scans']} | {t['tumours']} | "
        + (f"{t['tumourRate']:.3f} ({_ci(t['tumourRateCi95'])}) |" if t["scans"] else "- |")
        for t in m["riskTiers"])
    if reference is not None:
        r = reference_metrics
        comparison = f"""| | shipped small CNN | reference CNN (not shipped) |
| --- | --- | --- |
| parameters | {small['parameters']:,} | {reference['parameters']:,} |
| size (float32) | {small['float32Bytes'] / 1e6:.2f} MB (ONNX file) | {reference['float32Bytes'] / 1e6:.2f} MB |
| GFLOPs at {man['input']['height']} px (2 x multiply-adds) | {small['gflops']} | {reference['gflops']} |
| CPU latency, PyTorch, 1 thread, batch 1 (median) | {small['torchCpuLatencyMs1Thread']} ms | {reference['torchCpuLatencyMs1Thread']} ms |
| val ROC AUC (95 % CI) | {m['rocAuc']} ({_ci(m['rocAucCi95'])}) | {r['rocAuc']} ({_ci(r['rocAucCi95'])}) |
| val sensitivity / specificity at its threshold | {m['sensitivity']} / {m['specificity']} at {man['decisionThreshold']} | {r['sensitivity']} / {r['specificity']} at {r['decisionThreshold']} |
| epochs (chosen by val AUC) | {small_info['epochs']} ({small_info['chosenEpoch']}) | {reference_info['epochs']} ({reference_info['chosenEpoch']}) |

AUC difference (reference - small): {r['rocAuc'] - m['rocAuc']:+.4f}."""
    else:
        comparison = "The reference CNN was not trained in this run (`--skip-reference`)."
    text = f"""# Model card: {man['name']} {man['version']}

> **Research use only. Not a medical device; not for diagnosis.** A score from this model
> must not be used to decide anything about a patient.

`brainscan.onnx` classifies one axial/coronal/sagittal brain MR slice (JPEG, PNG, WebP,
BMP or GIF, decoded by content and cropped to the brain by the contour crop below) as
**tumour** or **no tumour**, with a
calibrated probability, a risk tier and a class-activation map. This card, the manifest
`brainscan.json`, `roc.png` and `calibration.png` are written by the training run
(`models/training/train.py`); the figures below are that run's.

## Data and split
`../shared/datasets/brain-mri`: Br35H ("Brain Tumor Detection 2020") merged with the
224 px copy of the "Brain Tumor MRI Dataset" (Nickparvar; glioma, meningioma and
pituitary count as tumour). The two sources share images and Br35H holds many
brightness/contrast copies of one slice, so an image-level random split leaks copies
into the test side; that is how 98-99 % accuracies get reported. Here images were
grouped by a perceptual hash (near-copies share a group) and whole groups were split
70/15/15 per label. Training uses every copy of each training group
({man['training']['trainImages']} images, {man['training']['trainGroups']} groups), drawn
class-balanced and group-uniform; validation holds one image per group
({man['training']['valScans']} scans: {m['tumour']} tumour, {m['noTumour']} no tumour,
{m['rejectedNoBrainRegion']} of them rejected by the crop with `NO_BRAIN_REGION`, see
limitations). A held-back test split of the same sources judges the shipped model; it
was never seen here.

Licence: neither dataset's images are redistributed by this project (not in the
repository, the jar or the Lambda zip). Both are public Kaggle datasets, used here for
research under the terms their Kaggle pages state; the project has not verified the
provenance, consent or licensing of the images behind them. The weights are trained on
them: check those terms before any use beyond research.

Validation is used to choose the epoch (highest AUC of the weight average), to fit the
calibration, and to choose the decision threshold and the risk tiers. The figures
below are therefore mildly optimistic; the test split gives the unbiased figures.

## Preprocessing (training = serving)
1. Decode to 8-bit RGB.
2. Crop: BT.601 grey, Gaussian blur 5x5 (sigma 1.1), threshold > 45, erode x2 and dilate
   x2 (3x3), largest external contour; crop its extreme points (end-exclusive). A region
   under 1 % of the image is `NO_BRAIN_REGION`. Training uses OpenCV 4.6 for this; the
   Java service reimplements it and is checked against OpenCV's boxes.
3. Resize to {man['input']['height']}x{man['input']['width']} with an antialiased bilinear (triangle)
   filter, rows then columns, in float (the same weights in Python and Java).
4. Normalise per channel: (v/255 - mean) / std with mean {man['input']['mean']} and std
   {man['input']['std']} (from the training crops).

Augmentation during training only: horizontal flips, rotation +-12 deg, scale +-10 %,
shift +-6 %, gamma, contrast +-25 %, brightness +-20 levels, Gaussian noise up to 8 levels.

## Architecture
A compact CNN: a stride-2 stem and four stages of 3x3 conv + batch norm + ReLU
(16-32, 48-48, 96-96, 128-128 channels, max-pool between stages), global average
pool and one linear unit. Because the head is linear after the pool, applying it at
every cell of the last feature map gives the class-activation map `cam`
([{', '.join(str(d) for d in man['outputs']['cam']['shape'])}]); its mean is the logit. Platt scaling
(a = {man['outputs']['probability']['calibration']['a']}, b = {man['outputs']['probability']['calibration']['b']})
and the sigmoid are inside the ONNX graph (opset {man['architecture']['opset']}, dynamic batch, checked by
`onnx.checker`; OpenCV's DNN runtime reproduces PyTorch's outputs at export time, and
the Java tests check ONNX Runtime against `brainscan.parity.json` within 1e-4).

{comparison}

The reference is a ResNet-18-width network (64-128-256-512, one basic block per stage)
trained with the same data, augmentation and schedule; it is there to show what the
compact model gives up, and it is not shipped.

## Validation metrics (shipped model, calibrated, threshold {man['decisionThreshold']})
| metric | value | 95 % CI |
| --- | --- | --- |
| ROC AUC | {m['rocAuc']} | {_ci(m['rocAucCi95'])} (stratified bootstrap) |
| sensitivity | {m['sensitivity']} ({c['tp']}/{c['tp'] + c['fn']}) | {_ci(m['sensitivityCi95'])} (Wilson) |
| specificity | {m['specificity']} ({c['tn']}/{c['tn'] + c['fp']}) | {_ci(m['specificityCi95'])} (Wilson) |
| balanced accuracy | {m['balancedAccuracy']} | |
| expected calibration error (15 bins) | {m['ece']} (before calibration {m['eceUncalibrated']}; 5-fold cross-fitted {m['eceCrossFitted']}) | |
| Brier score | {m['brier']} | |

Confusion at the threshold: TP {c['tp']}, FN {c['fn']}, TN {c['tn']}, FP {c['fp']}. The
targets are sensitivity >= 0.97 and specificity >= 0.95; the threshold is the one on a
0.01 grid with the largest common margin over both on validation (ties to the lower, more
sensitive threshold). A threshold that only just reaches a target on validation tends to
miss it on new scans: the highest threshold keeping sensitivity >= 0.97 would trade about
fifteen more missed tumours for one fewer false alarm here. Validation has only
{m['noTumour']} no-tumour scans, so specificity is known to within several points (see the CI).

![ROC](roc.png) ![calibration](calibration.png)

## Risk tiers
The score is a probability calibrated on validation data, whose tumour prevalence is
{m['tumour'] / m['scans']:.0%}: with another prevalence the same score means a different risk.
The tiers are chosen on validation: **low** is the widest band from 0 (on a 0.01 grid,
at most the threshold) whose tumour rate is at most 2 %; **high** is the widest band to 1
(at least the threshold) whose tumour rate is at least 95 %; **medium** lies between.
Because high starts at or above the threshold, a `tumor` label is never low risk and a
`no_tumor` label in the medium tier means "not cleared": below the threshold, but in the
band where tumours still occur; such a scan deserves a second look.

| tier | score range | val scans | tumours | tumour rate (95 % CI) |
| --- | --- | --- | --- | --- |
{tiers}

## Intended use
A research and teaching demonstration of a serverless imaging pipeline: triage-style
ordering of single 2-D MR slices from sources like the training data. Not for
diagnosis, screening or treatment decisions, and not a substitute for a radiologist.

## Limitations
- Two public Kaggle datasets of unknown acquisition and labelling provenance; no
  patient-level information, so slices of one patient may still sit on both sides of the
  split even after near-copy grouping.
- One slice at a time; no 3-D context, no DICOM, no sequence information (T1/T2/FLAIR
  mixed).
- The tumour class is glioma, meningioma and pituitary tumours of these datasets; other
  pathologies (metastases, stroke, haemorrhage, MS) were never seen and may score anything.
- The classic threshold crop needs a bright-enough brain: very dark scans
  ({m['rejectedNoBrainRegion']} of {man['training']['valScans']} val scans) yield a region under 1 % and are rejected
  with `NO_BRAIN_REGION` instead of being classified.
- Calibration and tiers reflect validation prevalence ({m['tumour'] / m['scans']:.0%} tumour).
- The activation map shows where the evidence for "tumour" sits at 1/16 resolution; it is
  not a segmentation.

## How to retrain
```
sudo apt-get install python3-torch python3-torchvision python3-onnx python3-opencv python3-matplotlib
/usr/bin/python3 models/training/train.py --data ../shared/datasets/brain-mri --out models/
```
Fixed seed ({man['training']['seed']}); CPU only; this run took {seconds / 60:.0f} minutes on 2 cores.
It rewrites `brainscan.onnx`, `brainscan.json`, `brainscan.parity.json`, this card and
the plots. Preprocessed crops are cached under `/tmp/brainscan-train` (never in the
repository). `models/training/smoke_test.py` runs the whole pipeline on a tiny generated
dataset in a minute (CI runs it).
"""
    with open(os.path.join(out, "README.md"), "w") as f:
        f.write(text)
