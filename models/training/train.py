#!/usr/bin/python3
"""Train brainscan's model v2 from scratch with grouped cross-validation, calibrate, export, write the card.

    /usr/bin/python3 models/training/train.py --data ../shared/datasets/brain-mri --out models/

Protocol (docs/contracts.md, "Model files"):
1. Every image of `train` + `val` goes through preprocessing v2 (preprocess.serving_pixels_v2),
   exactly what serving computes.
2. Near-duplicate groups are split into k folds (stratified by label; a group never spans
   two folds). For each fold a model is trained on the other folds with a fixed recipe (no
   epoch picked on held-out data) and scores its held-out fold: out-of-fold (OOF) scores,
   one image per group, as the held-back test set is built.
3. Platt calibration, the decision threshold and the risk-tier bounds are chosen on the
   pooled OOF scores; every card figure is OOF, with counts and 95 % intervals, per source
   and per tumour type.
4. The shipped model is trained with the same recipe on all folds' data, and gets the
   calibration fitted on the OOF logits (its own figures cannot be measured without held-out
   data; the OOF figures estimate them, which the card says).

Writes into --out: brainscan.onnx, brainscan.json, brainscan.parity.json, README.md (the
model card), roc.png, calibration.png, and oof.json (the OOF table, no image data).
Preprocessed pixels are cached under --work, never inside the repository.
"""
import argparse
import copy
import hashlib
import json
import os
import random
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import export  # noqa: E402
import metrics as M  # noqa: E402
import nets  # noqa: E402
import planes as PL  # noqa: E402
import preprocess as P  # noqa: E402
import report  # noqa: E402

TUMOR_TYPES = ["glioma", "meningioma", "pituitary"]
# the options that change what is trained (checkpoints are kept per recipe); the selection
# options (threshold and tier targets) only change what is chosen from the scores
RECIPE = ("data", "size", "folds", "epochs", "samples_per_epoch", "batch", "lr", "type_weight", "seed", "limit",
          "intensity", "plane_balance", "geometry")
# the draws per view-plane stratum of the v3 experiment (--plane-balance v3; measured and not shipped:
# docs/model.md), the same for both classes, the same for both classes, so that the plane and the
# slice level no longer tell tumour from normal (in the data 98 % of normals are axial, and 55 %
# of tumours are coronal or sagittal); within a class a stratum's groups are drawn uniformly
PLANE_WEIGHTS = {"axial-base": 0.12, "axial-mid": 0.52, "axial-vertex": 0.06, "coronal": 0.15, "sagittal": 0.15}
GEOMETRY = {"v2": {"scale": (0.88, 1.12), "shift": 0.07, "aspect": (1.0, 1.0)},
            "wide": {"scale": (0.8, 1.2), "shift": 0.1, "aspect": (0.85, 1.18)}}


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", required=True, help="dataset folder with manifest.csv")
    p.add_argument("--out", required=True, help="where the model files and card are written")
    p.add_argument("--work", default=os.path.join(os.environ.get("TMPDIR", "/tmp"), "brainscan-train"),
                   help="cache of preprocessed pixels (outside the repository)")
    p.add_argument("--size", type=int, default=128, help="model input height and width")
    p.add_argument("--folds", type=int, default=4)
    p.add_argument("--epochs", type=int, default=56)
    p.add_argument("--samples-per-epoch", type=int, default=4096)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--lr", type=float, default=3e-3)
    p.add_argument("--type-weight", type=float, default=0.5, help="weight of the tumour-type loss")
    p.add_argument("--intensity", choices=("mild", "wide", "varied"), default="varied",
                   help="intensity augmentation: 'mild' (model 2.0.0), 'wide' (2.1.0: adds dark exposures and "
                        "clipped high-contrast stretches about mid-grey) or 'varied' (2.2.0: the stretches "
                        "pivot anywhere in 80-150, as contrast processing does)")
    p.add_argument("--plane-balance", choices=("none", "v3"), default="none",
                   help="'v3': draw each class by view-plane stratum with the same weights (PLANE_WEIGHTS); "
                        "'none': group-uniform draws within a class (model 2.x)")
    p.add_argument("--geometry", choices=tuple(GEOMETRY), default="v2",
                   help="geometric augmentation: 'v2' (scale +-12 %%, shift +-7 %%) or 'wide' (scale 0.8-1.2, "
                        "shift +-10 %%, aspect 0.85-1.18)")
    p.add_argument("--loso", type=int, default=1,
                   help="1: after the shipped model, train one model per source and score the other "
                        "(leave-one-source-out), for the card")
    p.add_argument("--only-loso", action="store_true",
                   help="train (and checkpoint) only the leave-one-source-out models, beside a main run")
    p.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    p.add_argument("--seed", type=int, default=20261130)
    p.add_argument("--name", default="brainscan-cnn")
    p.add_argument("--version", default="2.3.0")
    p.add_argument("--min-sensitivity", type=float, default=0.99)
    p.add_argument("--min-specificity", type=float, default=0.95)
    p.add_argument("--low-tier-max-share", type=float, default=0.01,
                   help="upper 95 %% bound on the share of tumours scoring in the low tier")
    p.add_argument("--low-tier-max-rate", type=float, default=0.03,
                   help="upper 95 %% bound on the tumour rate among scans in the low tier")
    p.add_argument("--limit", type=int, default=0, help="use only this many rows (smoke tests)")
    return p.parse_args(argv)


def seed_everything(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def load_data(args):
    """Serving pixels (grey, float16 cache) of every train+val row with a brain region."""
    rows = [r for r in P.read_manifest(args.data) if r["split"] in ("train", "val")]
    rows.sort(key=lambda r: r["path"])
    if args.limit:
        rows = rows[:args.limit]
    digest = hashlib.sha256(json.dumps(rows, sort_keys=True).encode()).hexdigest()[:12]
    path = os.path.join(args.work, f"all-{digest}-{args.size}-v{P.PREPROCESS_VERSION}.npz")
    if os.path.exists(path):
        with np.load(path, allow_pickle=False) as z:
            pixels, ok, steps = z["pixels"], z["ok"], z["steps"]
    else:
        out, ok, steps = [], [], []
        for i, r in enumerate(rows):
            rgb = P.read_rgb(os.path.join(args.data, r["path"]))
            try:
                px, _, st = P.serving_pixels_v2(rgb, args.size)
                out.append(px[:, :, 0].astype(np.float16))
                ok.append(True)
                steps.append("+".join(st))
            except P.NoBrainRegion:
                ok.append(False)
                steps.append("refused")
            if (i + 1) % 1000 == 0:
                log(f"  prepared {i + 1}/{len(rows)}")
        pixels, ok, steps = np.stack(out), np.asarray(ok), np.asarray(steps)
        os.makedirs(args.work, exist_ok=True)
        tmp = path + ".tmp.npz"
        np.savez(tmp, pixels=pixels, ok=ok, steps=steps)
        os.replace(tmp, path)
    kept = [r for r, k in zip(rows, ok) if k]
    refused = [r["path"] for r, k in zip(rows, ok) if not k]
    return pixels, kept, refused, steps[ok]


def make_folds(rows, k, seed):
    """Fold per group, stratified by label (groups are single-label); one evaluation image per group."""
    groups = {}
    for i, r in enumerate(rows):
        groups.setdefault(r["group"], []).append(i)
    rng = np.random.default_rng(seed)
    fold_of_group = {}
    for label in ("tumor", "no_tumor"):
        gs = sorted(g for g, idx in groups.items() if rows[idx[0]]["label"] == label)
        rng.shuffle(gs)
        for j, g in enumerate(gs):
            fold_of_group[g] = j % k
    fold = np.asarray([fold_of_group[r["group"]] for r in rows])
    # the evaluation image of a group: its val image when it has one, else its first path
    representative = np.zeros(len(rows), bool)
    for g, idx in groups.items():
        vals = [i for i in idx if rows[i]["split"] == "val"]
        representative[(vals or idx)[0]] = True
    return fold, representative


def balanced_indices(labels, groups, pool, count, rng, strata=None, weights=None):
    """Half the draws per class; within a class a stratum by `weights` (renormalised over the
    strata the class has in the pool; uniform over groups when there are no strata), then a group
    uniformly, then one of its copies."""
    out = []
    if strata is None or weights is None:
        for n, cls in ((count // 2, 0), (count - count // 2, 1)):
            members = {}
            for i in pool[labels[pool] == cls]:
                members.setdefault(groups[i], []).append(i)
            gs = list(members.values())
            for g in rng.integers(0, len(gs), n):
                out.append(gs[g][rng.integers(0, len(gs[g]))])
        out = np.asarray(out)
        rng.shuffle(out)
        return out
    for n, cls in ((count // 2, 0), (count - count // 2, 1)):
        by_stratum = {}
        for i in pool[labels[pool] == cls]:
            key = strata[i]
            by_stratum.setdefault(key, {}).setdefault(groups[i], []).append(i)
        keys = sorted(by_stratum)
        w = np.asarray([weights.get(k, 1.0) for k in keys], float)
        w = w / w.sum()
        picks = rng.choice(len(keys), size=n, p=w)
        for j, key in enumerate(keys):
            gs = list(by_stratum[key].values())
            for g in rng.integers(0, len(gs), int((picks == j).sum())):
                out.append(gs[g][rng.integers(0, len(gs[g]))])
    out = np.asarray(out)
    rng.shuffle(out)
    return out


def _order_statistic(flat, p):
    """torch.quantile(flat, p, dim=1) (linear interpolation) by a partial sort: topk of the
    few values below (or above) the position instead of sorting all of them (10x faster)."""
    n = flat.shape[1]
    pos = (n - 1) * p
    k = int(np.floor(pos))
    frac = pos - k
    if k + 1 < n - k:
        v = torch.topk(flat, k + 2, dim=1, largest=False).values  # ascending: v[:, j] = order j
        below, above = v[:, k], v[:, k + 1]
    else:
        v = torch.topk(flat, n - k, dim=1, largest=True).values  # descending: v[:, j] = order n-1-j
        below, above = v[:, n - 1 - k], v[:, max(n - 2 - k, 0)]
    return below + (above - below) * frac


def restretch(x):
    """Serving stretches every crop to its 1st-99th percentiles; do the same after intensity changes."""
    b = x.shape[0]
    flat = x.reshape(b, -1)
    lo = _order_statistic(flat, 0.01).view(b, 1, 1, 1)
    hi = _order_statistic(flat, 0.99).view(b, 1, 1, 1)
    hi = torch.maximum(hi, lo + 16.0)
    return ((x - lo) * (255.0 / (hi - lo))).clamp(0, 255)


def augment(batch, mean, std, gen, intensity="wide", geometry="v2"):
    """Orientation (any quarter turn, mirror), small affine, exposure/contrast/gamma, blur, noise."""
    x = batch.float().unsqueeze(1)  # N,1,H,W in [0,255]
    b = x.shape[0]

    def u(lo, hi):
        return torch.rand(b, generator=gen) * (hi - lo) + lo

    quarter = torch.where(torch.rand(b, generator=gen) < 0.5, torch.randint(1, 4, (b,), generator=gen), 0)
    angle = (u(-15, 15) + 90.0 * quarter.float()) * np.pi / 180
    g = GEOMETRY[geometry]
    scale = u(*g["scale"])
    flip = torch.where(torch.rand(b, generator=gen) < 0.5, -1.0, 1.0)
    tx, ty = u(-g["shift"], g["shift"]), u(-g["shift"], g["shift"])
    # an aspect change stands for a crop box of another shape (another slice level or plane)
    aspect = torch.exp(u(float(np.log(g["aspect"][0])), float(np.log(g["aspect"][1])))) if g["aspect"] != (1.0, 1.0) \
        else torch.ones(b)
    sx, sy = scale * aspect.sqrt(), scale / aspect.sqrt()
    cos, sin = torch.cos(angle), torch.sin(angle)
    theta = torch.stack([torch.stack([cos * flip / sx, -sin / sx, tx], 1),
                         torch.stack([sin * flip / sy, cos / sy, ty], 1)], 1)
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    x = F.grid_sample(x, grid, mode="bilinear", padding_mode="zeros", align_corners=False)

    gamma = torch.exp(u(-0.5, 0.5)).view(b, 1, 1, 1)
    contrast = u(0.7, 1.5).view(b, 1, 1, 1)
    gain = u(0.6, 1.1).view(b, 1, 1, 1)
    mild_x = 255.0 * (x / 255.0).clamp(0, 1) ** gamma
    m = mild_x.mean(dim=(2, 3), keepdim=True)
    mild_x = ((mild_x - m) * contrast + m) * gain
    if intensity == "mild":
        x = mild_x
    else:
        # a quarter of the draws are dark exposures (gamma 1.2-2.2, gain 0.45-0.85), a fifth a
        # clipped stretch of 1.3-2.0 (about mid-grey, or a pivot in 80-150 when varied); all are rounded to 8 bits as a real file
        # is, so the serving stretch meets the same coarse levels it meets on a dark upload
        mode = torch.rand(b, generator=gen).view(b, 1, 1, 1)
        dark_gamma = u(1.2, 2.2).view(b, 1, 1, 1)
        dark_gain = u(0.45, 0.85).view(b, 1, 1, 1)
        dark_x = 255.0 * dark_gain * (x / 255.0).clamp(0, 1) ** dark_gamma
        stretch = u(1.3, 2.0).view(b, 1, 1, 1)
        # a contrast tool pivots wherever its user sets it, not only at mid-grey
        pivot = (u(80, 150) if intensity == "varied" else torch.full((b,), 128.0)).view(b, 1, 1, 1)
        contrast_x = ((x - pivot) * stretch + pivot).clamp(0, 255)
        x = torch.where(mode < 0.25, dark_x, torch.where(mode < 0.45, contrast_x, mild_x))
        x = x.clamp(0, 255).round()
    blur = torch.rand(b, generator=gen) < 0.3
    if blur.any():
        # the 5x5 binomial kernel as two 1-D passes, on the blurred images only
        k = torch.tensor([1.0, 4.0, 6.0, 4.0, 1.0]) / 16.0
        chosen = blur.nonzero().flatten()
        xb = F.pad(x[chosen], (2, 2, 2, 2), mode="replicate")
        xb = F.conv2d(F.conv2d(xb, k.view(1, 1, 1, 5)), k.view(1, 1, 5, 1))
        x = x.clone()
        x[chosen] = xb
    noise = u(0, 6).view(b, 1, 1, 1)
    x = x + torch.randn(x.shape, generator=gen) * noise
    x = restretch(x.clamp(0, 255))
    x = x / 255.0
    x = x.expand(b, 3, x.shape[2], x.shape[3])
    return ((x - mean) / std).contiguous(memory_format=torch.channels_last)


def normalise(pixels, mean, std):
    x = torch.from_numpy(pixels.astype(np.float32)).unsqueeze(1) / 255.0
    x = x.expand(x.shape[0], 3, x.shape[2], x.shape[3])
    return ((x - mean) / std).contiguous(memory_format=torch.channels_last)


@torch.no_grad()
def predict(model, x, batch=256):
    model.eval()
    logits, types = [], []
    for i in range(0, len(x), batch):
        z, t = model.both(x[i:i + batch])
        logits.append(z)
        types.append(torch.softmax(t, dim=1))
    return torch.cat(logits).numpy().astype(np.float64), torch.cat(types).numpy().astype(np.float64)


def train_model(tag, args, pixels, labels, types, groups, pool, mean, std, seed, strata=None):
    seed_everything(seed)
    rng = np.random.default_rng(seed)
    gen = torch.Generator().manual_seed(seed)
    model = nets.ARCHITECTURES["small-typed"]().to(memory_format=torch.channels_last)
    ema = copy.deepcopy(model)
    steps = args.samples_per_epoch // args.batch
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=5e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=args.lr, total_steps=args.epochs * steps,
                                                pct_start=0.15)
    images = torch.from_numpy(pixels)
    y_all = torch.from_numpy(labels).float()
    t_all = torch.from_numpy(types)
    decay = 0.995
    for epoch in range(args.epochs):
        t0 = time.time()
        model.train()
        idx = balanced_indices(labels, groups, pool, steps * args.batch, rng, strata,
                               PLANE_WEIGHTS if args.plane_balance == "v3" else None)
        total = 0.0
        for s in range(steps):
            bi = torch.from_numpy(idx[s * args.batch:(s + 1) * args.batch])
            x = augment(images[bi], mean, std, gen, args.intensity, args.geometry)
            z, tz = model.both(x)
            loss = F.binary_cross_entropy_with_logits(z, y_all[bi])
            tt = t_all[bi]
            known = tt >= 0
            if known.any():
                loss = loss + args.type_weight * F.cross_entropy(tz[known], tt[known])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
            total += float(loss)
            with torch.no_grad():
                for pe, pm in zip(ema.parameters(), model.parameters()):
                    pe.mul_(decay).add_(pm.detach(), alpha=1 - decay)
                for be, bm in zip(ema.buffers(), model.buffers()):
                    be.copy_(bm)
        log(f"{tag} epoch {epoch + 1}/{args.epochs}: loss {total / steps:.4f} ({time.time() - t0:.0f}s)")
    ema.eval()
    return ema


def cpu_latency_ms(model, size, runs=50):
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    x = torch.randn(1, 3, size, size).contiguous(memory_format=torch.channels_last)
    model.eval()
    times = []
    with torch.no_grad():
        for i in range(runs + 5):
            t = time.perf_counter()
            model(x)
            if i >= 5:
                times.append((time.perf_counter() - t) * 1000)
    torch.set_num_threads(threads)
    return round(float(np.median(times)), 2)


def main(argv=None):
    args = parse_args(argv)
    started = time.time()
    seed_everything(args.seed)
    torch.set_num_threads(args.threads)
    pixels, rows, refused, steps = load_data(args)
    labels = np.asarray([1 if r["label"] == "tumor" else 0 for r in rows], np.int64)
    types = np.asarray([TUMOR_TYPES.index(r["tumor_type"]) if r["tumor_type"] in TUMOR_TYPES else -1
                        for r in rows], np.int64)
    groups = np.asarray([r["group"] for r in rows])
    fold, representative = make_folds(rows, args.folds, args.seed)
    log(f"{len(rows)} images with a brain region ({len(refused)} refused), "
        f"{len(set(groups.tolist()))} groups, {args.folds} folds")
    plane, level, plane_audit = assign_planes(rows, pixels)
    strata = np.asarray([f"{p}-{lv}" if p == "axial" else p for p, lv in zip(plane, level)])
    log(f"planes: {plane_audit.get('planeAgreementCv')} agreement with {plane_audit.get('handLabels')} hand labels; "
        + ", ".join(f"{k} {int((strata == k).sum())}" for k in sorted(set(strata.tolist()))))
    for i, r in enumerate(rows):
        r["plane"], r["level"] = str(plane[i]), str(level[i])

    grey = pixels.astype(np.float32) / 255.0
    mean = [round(float(grey.mean()), 4)] * 3
    std = [round(float(grey.std()), 4)] * 3
    del grey
    mean_t = torch.tensor(mean).view(1, 3, 1, 1)
    std_t = torch.tensor(std).view(1, 3, 1, 1)

    recipe = hashlib.sha256(json.dumps({k: v for k, v in vars(args).items() if k in RECIPE},
                                       sort_keys=True).encode()).hexdigest()[:10]
    ckpt = os.path.join(args.work, f"ckpt-{recipe}")
    os.makedirs(ckpt, exist_ok=True)

    def checkpointed(name, build):
        path = os.path.join(ckpt, name + ".pt")
        if os.path.exists(path):
            log(f"{name}: from checkpoint {path}")
            model = nets.ARCHITECTURES["small-typed"]()
            model.load_state_dict(torch.load(path))
            with open(path + ".json") as f:
                trained_seconds[name] = json.load(f)["seconds"]
            return model.eval()
        t0 = time.time()
        model = build()
        trained_seconds[name] = time.time() - t0
        trained_now[0] += trained_seconds[name]
        torch.save(model.state_dict(), path + ".tmp")
        os.replace(path + ".tmp", path)
        with open(path + ".json", "w") as f:
            json.dump({"seconds": round(trained_seconds[name], 1)}, f)
        return model

    trained_seconds = {}  # training time of each model, kept with its checkpoint
    trained_now = [0.0]

    def loso_model(held_source):
        """The leave-one-source-out model that never saw held_source (None: no other source to train on)."""
        train_pool = np.asarray([i for i, r in enumerate(rows) if r["source"] != held_source], dtype=np.int64)
        if len(train_pool) == 0 or len(set(labels[train_pool].tolist())) < 2:
            return None  # one source only (the smoke test): nothing to leave out
        return checkpointed(f"loso-{held_source}", lambda: train_model(
            f"without {held_source}", args, pixels, labels, types, groups, train_pool, mean_t, std_t,
            args.seed + 100, strata))

    if args.only_loso:
        # the other order from the main run's, so that the two processes train different models
        for held_source in sorted({r["source"] for r in rows}, reverse=True):
            loso_model(held_source)
        return None

    oof_logit = np.full(len(rows), np.nan)
    oof_types = np.full((len(rows), 3), np.nan)
    fold_seconds = []
    for k in range(args.folds):
        t0 = time.time()
        pool = np.flatnonzero(fold != k)
        held = np.flatnonzero((fold == k) & representative)
        model = checkpointed(f"fold{k + 1}", lambda: train_model(
            f"fold {k + 1}/{args.folds}", args, pixels, labels, types, groups, pool, mean_t, std_t,
            args.seed + 1 + k, strata))
        z, t = predict(model, normalise(pixels[held], mean_t, std_t))
        oof_logit[held], oof_types[held] = z, t
        fold_seconds.append(trained_seconds[f"fold{k + 1}"])
        log(f"fold {k + 1}: held-out AUC {M.roc_auc(labels[held], z):.4f} on {len(held)} scans")

    ev = representative & ~np.isnan(oof_logit)
    y = labels[ev]
    a, b = M.fit_platt(oof_logit[ev], y)
    probs = M.sigmoid(a * oof_logit[ev] + b)
    threshold = M.choose_threshold(y, probs, args.min_sensitivity, args.min_specificity)
    low = M.choose_low_bound(y, probs, threshold, args.low_tier_max_share, args.low_tier_max_rate)
    tiers = M.tier_table(y, probs, low, threshold)
    ev_rows = [r for r, e in zip(rows, ev) if e]
    oof = M.oof_report(ev_rows, y, probs, oof_logit[ev], oof_types[ev], threshold, low, TUMOR_TYPES,
                       args.low_tier_max_share)
    oof["riskTiers"] = tiers
    oof["planeAudit"] = plane_audit
    oof["predictiveValues"] = M.predictive_values(y, probs, low, threshold, (M.TRAINING, 0.5, 0.1))
    oof["refusedByPreprocessing"] = len(refused)
    oof["preprocessingSteps"] = {s: int((steps[ev] == s).sum()) for s in sorted(set(steps[ev].tolist()))}
    log(f"OOF: AUC {oof['overall']['rocAuc']} sens {oof['overall']['sensitivity']} "
        f"spec {oof['overall']['specificity']} at {threshold}, low < {low}, ECE {oof['overall']['ece']}, "
        f"type macro-F1 {oof['tumorType']['macroF1']}")

    t0 = time.time()
    final = checkpointed("final", lambda: train_model(
        "final", args, pixels, labels, types, groups, np.arange(len(rows)), mean_t, std_t, args.seed, strata))
    final_seconds = trained_seconds["final"]

    os.makedirs(args.out, exist_ok=True)
    onnx_path = os.path.join(args.out, "brainscan.onnx")
    export_info = export.export_onnx(final, a, b, args.size, onnx_path,
                                     os.path.join(args.out, "brainscan.parity.json"), args.seed,
                                     {"name": args.name, "version": args.version})
    log(f"exported {onnx_path} ({export_info['bytes']} bytes)")
    desc = {"parameters": nets.count_parameters(final), "onnxBytes": export_info["bytes"],
            "gflops": round(nets.count_flops(final, args.size) / 1e9, 3),
            "torchCpuLatencyMs1Thread": cpu_latency_ms(final, args.size), "opset": export_info["opset"]}
    # the shipped model on every evaluation image (in-sample: it trained on them; shown only
    # to check it agrees with the fold models, never as an estimate)
    z_final, _ = predict(final, normalise(pixels[ev], mean_t, std_t))
    in_sample = M.summary(y, M.sigmoid(a * z_final + b), threshold)
    # what `classify` over the val folder must reproduce (serving = training): the shipped model's
    # aggregate figures on every val image, through exactly the serving preprocessing
    val_idx = np.asarray([i for i, r in enumerate(rows) if r["split"] == "val"])
    serving_check = None
    if len(val_idx):
        z_val, _ = predict(final, normalise(pixels[val_idx], mean_t, std_t))
        p_val = M.sigmoid(a * z_val + b)
        serving_check = {"split": "val", "scans": int(len(val_idx)), "refused": sum(r.startswith("val/") for r in refused),
                         "rocAuc": round(M.roc_auc(labels[val_idx], p_val), 4) if 0 < labels[val_idx].sum() < len(val_idx) else None,
                         "meanScore": round(float(p_val.mean()), 4),
                         "labelledTumour": int((p_val >= threshold).sum()),
                         "note": "in-sample (the shipped model trained on val): a check that serving computes what "
                                 "training did, not an estimate of accuracy"}
    oof["servingCheck"] = serving_check
    # a rerun that loads checkpoints still reports what training took: each model's own time plus
    # this run's other work (preprocessing cache, evaluation, export)
    other = time.time() - started - trained_now[0]
    timing = {"foldMinutes": [round(x / 60, 1) for x in fold_seconds], "finalMinutes": round(final_seconds / 60, 1),
              "totalMinutes": round((sum(fold_seconds) + final_seconds + other) / 60, 1)}
    man = report.manifest(args, mean, std, a, b, threshold, low, export_info, oof, desc, TUMOR_TYPES,
                          rows, timing)
    def write_outputs():
        for name, content in (("brainscan.json", man),
                              ("oof.json", {"oof": oof, "shippedInSample": in_sample, "timing": timing})):
            with open(os.path.join(args.out, name), "w") as f:
                json.dump(content, f, indent=2)
                f.write("\n")
        report.card(args.out, man, oof, in_sample, desc, timing, refused)

    report.plots(args.out, y, probs)
    write_outputs()
    log(f"shipped model written ({timing['totalMinutes']} min)")

    if args.loso:
        # leave-one-source-out: the closest the data comes to "a hospital the model never saw"
        loso = {}
        for held_source in sorted({r["source"] for r in rows}):
            model = loso_model(held_source)
            if model is None:
                continue
            held = np.asarray([i for i, r in enumerate(rows) if r["source"] == held_source and representative[i]])
            z, _ = predict(model, normalise(pixels[held], mean_t, std_t))
            # scored as the shipped model would score: the out-of-fold calibration and threshold
            p = M.sigmoid(a * z + b)
            loso[held_source] = M.loso_report([rows[i] for i in held], labels[held], p, z, threshold, low)
            log(f"without {held_source}: AUC {loso[held_source]['overall']['rocAuc']}, "
                f"sens {loso[held_source]['overall']['sensitivity']}, spec {loso[held_source]['overall']['specificity']}")
    if args.loso and loso:
        oof["leaveOneSourceOut"] = loso
        timing["losoMinutes"] = [round(trained_seconds[f"loso-{s}"] / 60, 1) for s in sorted(loso)]
        timing["totalMinutes"] = round((time.time() - started - trained_now[0] + sum(trained_seconds.values())) / 60, 1)
        man["metrics"]["leaveOneSourceOut"] = {s: v["overall"] for s, v in loso.items()}
        man["training"]["minutes"] = timing
        write_outputs()
    log(f"done in {timing['totalMinutes']} min")
    return man


def assign_planes(rows, pixels):
    """View plane and slice level per row (planes.py); a dataset without enough hand-labelled
    images (the smoke test's generated one) is taken as all axial mid-level."""
    labels = PL.read_labels()
    known = sum(r["path"] in labels for r in rows)
    if known < 50:
        n = len(rows)
        return np.full(n, "axial", dtype=object), np.full(n, "mid", dtype=object), {
            "note": f"only {known} hand-labelled images in this dataset: planes not assigned"}
    plane, level, audit = PL.assign(rows, pixels)
    return plane.astype(object), level.astype(object), audit


if __name__ == "__main__":
    main()
