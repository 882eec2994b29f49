#!/usr/bin/python3
"""Train the reference and the shipped compact CNN from scratch, calibrate, export, write the card.

    /usr/bin/python3 models/training/train.py --data ../shared/datasets/brain-mri --out models/

Train on the manifest's `train` split, choose (epoch, calibration, threshold, tiers) on
`val`. Writes into --out: brainscan.onnx, brainscan.json, brainscan.parity.json,
README.md (the model card), roc.png, calibration.png. Intermediate crops are cached
under --work (never inside the repository: they are derived from the dataset).
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
import preprocess as P  # noqa: E402
import report  # noqa: E402

PREPROCESS_VERSION = 1


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", required=True, help="dataset folder with manifest.csv")
    p.add_argument("--out", required=True, help="where the model files and card are written")
    p.add_argument("--work", default=os.path.join(os.environ.get("TMPDIR", "/tmp"), "brainscan-train"),
                   help="cache of preprocessed crops (outside the repository)")
    p.add_argument("--size", type=int, default=128, help="model input height and width")
    p.add_argument("--epochs-small", type=int, default=40)
    p.add_argument("--epochs-reference", type=int, default=24)
    p.add_argument("--samples-per-epoch", type=int, default=4096)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--lr", type=float, default=3e-3)
    p.add_argument("--distill", type=float, default=0.0,
                   help="weight of the distillation term from the reference (0 = off)")
    p.add_argument("--skip-reference", action="store_true", help="train the compact model only")
    p.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    p.add_argument("--seed", type=int, default=20261124)
    p.add_argument("--name", default="brainscan-cnn")
    p.add_argument("--version", default="1.0.0")
    p.add_argument("--min-sensitivity", type=float, default=0.97)
    p.add_argument("--min-specificity", type=float, default=0.95)
    p.add_argument("--low-tier-max-rate", type=float, default=0.02)
    p.add_argument("--high-tier-min-rate", type=float, default=0.95)
    return p.parse_args(argv)


def seed_everything(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def cached(work, name, key, build):
    path = os.path.join(work, f"{name}-{key}.npz")
    if os.path.exists(path):
        with np.load(path, allow_pickle=False) as z:
            return {k: z[k] for k in z.files}
    data = build()
    os.makedirs(work, exist_ok=True)
    tmp = path + ".tmp.npz"
    np.savez(tmp, **data)
    os.replace(tmp, path)
    return data


def load_data(args):
    rows = P.read_manifest(args.data)
    digest = hashlib.sha256(json.dumps(rows, sort_keys=True).encode()).hexdigest()[:12]
    key = f"{digest}-{args.size}-v{PREPROCESS_VERSION}"
    train_rows = [r for r in rows if r["split"] == "train"]
    val_rows = [r for r in rows if r["split"] == "val"]

    def build_train():
        images, labels, kept = P.prepare_split(args.data, train_rows, args.size, log=log)
        groups = np.asarray([r["group"] for r in kept])
        return {"images": images, "labels": labels, "groups": groups}

    def build_val():
        pixels = P.prepare_float(args.data, val_rows, args.size)
        ok = np.asarray([p is not None for p in pixels])
        stacked = np.stack([p for p in pixels if p is not None]).astype(np.float32)
        labels = np.asarray([1 if r["label"] == "tumor" else 0 for r in val_rows], np.int64)
        return {"pixels": stacked, "ok": ok, "labels": labels}

    log("preparing train crops (cached)")
    train = cached(args.work, "train", key, build_train)
    log("preparing val crops (cached)")
    val = cached(args.work, "val", key, build_val)
    return train, val, train_rows, val_rows


def balanced_indices(labels, groups, count, rng):
    """Half the draws per class; within a class a group uniformly, then one of its copies."""
    by_class = {}
    for cls in (0, 1):
        members = {}
        for i in np.flatnonzero(labels == cls):
            members.setdefault(groups[i], []).append(i)
        by_class[cls] = list(members.values())
    out = []
    for n, cls in ((count // 2, 0), (count - count // 2, 1)):
        gs = by_class[cls]
        for g in rng.integers(0, len(gs), n):
            out.append(gs[g][rng.integers(0, len(gs[g]))])
    out = np.asarray(out)
    rng.shuffle(out)
    return out


def augment(batch_uint8, mean, std, gen):
    """Flips, small rotations/scales/shifts, brightness/contrast/gamma and noise, then normalise."""
    x = batch_uint8.permute(0, 3, 1, 2).float()
    b = x.shape[0]

    def u(lo, hi):
        return torch.rand(b, generator=gen) * (hi - lo) + lo

    angle = u(-12, 12) * np.pi / 180
    scale = u(0.9, 1.1)
    flip = torch.where(torch.rand(b, generator=gen) < 0.5, -1.0, 1.0)
    geometric = torch.rand(b, generator=gen) < 0.8
    angle = torch.where(geometric, angle, torch.zeros_like(angle))
    scale = torch.where(geometric, scale, torch.ones_like(scale))
    tx = torch.where(geometric, u(-0.06, 0.06), torch.zeros(b))
    ty = torch.where(geometric, u(-0.06, 0.06), torch.zeros(b))
    cos, sin = torch.cos(angle) / scale, torch.sin(angle) / scale
    theta = torch.stack([torch.stack([cos * flip, -sin, tx], 1), torch.stack([sin * flip, cos, ty], 1)], 1)
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    x = F.grid_sample(x, grid, mode="bilinear", padding_mode="zeros", align_corners=False)

    gamma = torch.exp(u(-0.2, 0.2)).view(b, 1, 1, 1)
    contrast = u(0.75, 1.25).view(b, 1, 1, 1)
    brightness = u(-20, 20).view(b, 1, 1, 1)
    noise = u(0, 8).view(b, 1, 1, 1)
    x = 255.0 * (x / 255.0).clamp(0, 1) ** gamma
    x = x * contrast + brightness
    x = x + torch.randn(x.shape, generator=gen) * noise
    x = x.clamp(0, 255) / 255.0
    return ((x - mean) / std).contiguous(memory_format=torch.channels_last)


def normalise_float(pixels, mean, std):
    x = torch.from_numpy(pixels).permute(0, 3, 1, 2) / 255.0
    return ((x - mean) / std).contiguous(memory_format=torch.channels_last)


@torch.no_grad()
def predict_logits(model, x, batch=128):
    model.eval()
    return torch.cat([model(x[i:i + batch]) for i in range(0, len(x), batch)]).numpy().astype(np.float64)


def train_model(name, args, train, val_x, val_y, mean, std, teacher=None, epochs=10):
    seed_everything(args.seed + (0 if name == "small" else 1))
    rng = np.random.default_rng(args.seed)
    gen = torch.Generator().manual_seed(args.seed)
    model = nets.ARCHITECTURES[name]().to(memory_format=torch.channels_last)
    ema = copy.deepcopy(model)
    steps_per_epoch = args.samples_per_epoch // args.batch
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=5e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=args.lr, total_steps=epochs * steps_per_epoch,
                                                pct_start=0.15)
    images = torch.from_numpy(train["images"])
    labels = torch.from_numpy(train["labels"]).float()
    decay = 0.995
    best = (-1.0, None, -1)
    history = []
    for epoch in range(epochs):
        t0 = time.time()
        model.train()
        idx = balanced_indices(train["labels"], train["groups"], steps_per_epoch * args.batch, rng)
        total = 0.0
        for s in range(steps_per_epoch):
            bi = torch.from_numpy(idx[s * args.batch:(s + 1) * args.batch])
            x = augment(images[bi], mean, std, gen)
            y = labels[bi]
            z = model(x)
            loss = F.binary_cross_entropy_with_logits(z, y)
            if teacher is not None and args.distill > 0:
                with torch.no_grad():
                    zt = teacher(x)
                tau = 2.0
                soft = F.binary_cross_entropy_with_logits(z / tau, torch.sigmoid(zt / tau))
                loss = (1 - args.distill) * loss + args.distill * soft
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
        logits = predict_logits(ema, val_x)
        auc = M.roc_auc(val_y, logits)
        vloss = float(F.binary_cross_entropy_with_logits(torch.from_numpy(logits), torch.from_numpy(val_y).double()))
        history.append({"epoch": epoch + 1, "trainLoss": round(total / steps_per_epoch, 4),
                        "valAuc": round(auc, 4), "valLoss": round(vloss, 4)})
        log(f"{name} epoch {epoch + 1}/{epochs}: train loss {total / steps_per_epoch:.4f} "
            f"val auc {auc:.4f} val loss {vloss:.4f} ({time.time() - t0:.0f}s)")
        if auc >= best[0]:
            best = (auc, copy.deepcopy(ema.state_dict()), epoch + 1)
    ema.load_state_dict(best[1])
    ema.eval()
    log(f"{name}: chose epoch {best[2]} (val auc {best[0]:.4f})")
    return ema, {"epochs": epochs, "chosenEpoch": best[2], "history": history}


def cpu_latency_ms(model, size, runs=50):
    """Median single-image forward time in PyTorch on one thread."""
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


def describe(model, name, size, onnx_bytes=None):
    params = nets.count_parameters(model)
    return {"architecture": name, "parameters": params,
            "float32Bytes": params * 4 if onnx_bytes is None else onnx_bytes,
            "gflops": round(nets.count_flops(model, size) / 1e9, 3),
            "torchCpuLatencyMs1Thread": cpu_latency_ms(model, size)}


def main(argv=None):
    args = parse_args(argv)
    started = time.time()
    seed_everything(args.seed)
    torch.set_num_threads(args.threads)
    train, val, train_rows, val_rows = load_data(args)
    log(f"train {len(train['labels'])} images ({len(set(train['groups'].tolist()))} groups); "
        f"val {int(val['ok'].sum())} of {len(val['ok'])} scans with a brain region")

    pixels = train["images"].reshape(-1, 3).astype(np.float64) / 255.0
    mean = [round(float(v), 4) for v in pixels.mean(0)]
    std = [round(float(v), 4) for v in pixels.std(0)]
    del pixels
    mean_t = torch.tensor(mean).view(1, 3, 1, 1)
    std_t = torch.tensor(std).view(1, 3, 1, 1)
    val_x = normalise_float(val["pixels"], mean_t, std_t)
    val_y = val["labels"][val["ok"]]

    reference, reference_info = None, None
    if not args.skip_reference:
        reference, reference_info = train_model("reference", args, train, val_x, val_y, mean_t, std_t,
                                                epochs=args.epochs_reference)
    small, small_info = train_model("small", args, train, val_x, val_y, mean_t, std_t,
                                    teacher=reference, epochs=args.epochs_small)

    small_logits = predict_logits(small, val_x)
    a, b = M.fit_platt(small_logits, val_y)
    probs = M.sigmoid(a * small_logits + b)
    threshold = M.choose_threshold(val_y, probs, args.min_sensitivity, args.min_specificity)
    low, high = M.choose_tiers(val_y, probs, threshold, args.low_tier_max_rate, args.high_tier_min_rate)
    small_metrics = M.summary(val_y, probs, threshold)
    small_metrics["eceCrossFitted"] = round(M.expected_calibration_error(val_y, M.cross_fitted_probs(small_logits, val_y)), 4)
    small_metrics["eceUncalibrated"] = round(M.expected_calibration_error(val_y, M.sigmoid(small_logits)), 4)
    small_metrics["rejectedNoBrainRegion"] = int((~val["ok"]).sum())
    tiers = M.tier_table(val_y, probs, low, high)

    reference_metrics, reference_probs = None, None
    if reference is not None:
        ref_logits = predict_logits(reference, val_x)
        ra, rb = M.fit_platt(ref_logits, val_y)
        reference_probs = M.sigmoid(ra * ref_logits + rb)
        ref_threshold = M.choose_threshold(val_y, reference_probs, args.min_sensitivity,
                                               args.min_specificity)
        reference_metrics = M.summary(val_y, reference_probs, ref_threshold)
        reference_metrics["decisionThreshold"] = ref_threshold

    os.makedirs(args.out, exist_ok=True)
    onnx_path = os.path.join(args.out, "brainscan.onnx")
    export_info = export.export_onnx(small, a, b, args.size, onnx_path,
                                     os.path.join(args.out, "brainscan.parity.json"), args.seed,
                                     {"name": args.name, "version": args.version})
    log(f"exported {onnx_path} ({export_info['bytes']} bytes, opset {export_info['opset']}); "
        f"OpenCV DNN max relative diff {export_info['opencvMaxRelDiff']:.2e}")

    small_desc = describe(small, "small", args.size, export_info["bytes"])
    reference_desc = describe(reference, "reference", args.size) if reference is not None else None

    manifest = report.manifest(args, mean, std, a, b, threshold, low, high, export_info, small_metrics,
                               tiers, small_desc, small_info, train, train_rows, val_rows)
    with open(os.path.join(args.out, "brainscan.json"), "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")
    report.plots(args.out, val_y, probs, reference_probs)
    report.card(args.out, manifest, small_desc, reference_desc, reference_metrics, reference_info,
                small_info, time.time() - started)
    log(f"done in {(time.time() - started) / 60:.1f} min: val AUC {small_metrics['rocAuc']}, "
        f"sens {small_metrics['sensitivity']}, spec {small_metrics['specificity']} at {threshold}, "
        f"ECE {small_metrics['ece']}")
    return manifest


if __name__ == "__main__":
    main()
