"""Validation metrics with confidence intervals, calibration fitting, thresholds and tiers."""
import math

import numpy as np
import torch


def roc_auc(labels, scores):
    """Mann-Whitney AUC with ties counted as half."""
    labels = np.asarray(labels)
    scores = np.asarray(scores, np.float64)
    order = np.argsort(scores, kind="mergesort")
    ranks = np.empty(len(scores), np.float64)
    sorted_scores = scores[order]
    i = 0
    while i < len(scores):
        j = i
        while j + 1 < len(scores) and sorted_scores[j + 1] == sorted_scores[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2.0 + 1
        i = j + 1
    pos = labels == 1
    n_pos, n_neg = pos.sum(), (~pos).sum()
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    return float((ranks[pos].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def bootstrap_auc_ci(labels, scores, n=2000, seed=0):
    """Stratified bootstrap 95 % interval of the AUC."""
    rng = np.random.default_rng(seed)
    labels = np.asarray(labels)
    scores = np.asarray(scores)
    pos = np.flatnonzero(labels == 1)
    neg = np.flatnonzero(labels == 0)
    values = []
    for _ in range(n):
        idx = np.concatenate([rng.choice(pos, len(pos)), rng.choice(neg, len(neg))])
        values.append(roc_auc(labels[idx], scores[idx]))
    return float(np.percentile(values, 2.5)), float(np.percentile(values, 97.5))


def wilson(k, n, z=1.959964):
    if n == 0:
        return float("nan"), float("nan")
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def roc_curve(labels, scores):
    labels = np.asarray(labels)
    thresholds = np.unique(scores)[::-1]
    n_pos, n_neg = (labels == 1).sum(), (labels == 0).sum()
    fpr, tpr = [0.0], [0.0]
    for t in thresholds:
        pred = scores >= t
        tpr.append(float((pred & (labels == 1)).sum() / n_pos))
        fpr.append(float((pred & (labels == 0)).sum() / n_neg))
    return np.array(fpr), np.array(tpr)


def expected_calibration_error(labels, probs, bins=15):
    labels = np.asarray(labels, np.float64)
    probs = np.asarray(probs, np.float64)
    edges = np.linspace(0, 1, bins + 1)
    ece = 0.0
    for lo, hi in zip(edges[:-1], edges[1:]):
        mask = (probs >= lo) & ((probs < hi) if hi < 1 else (probs <= hi))
        if mask.any():
            ece += mask.mean() * abs(labels[mask].mean() - probs[mask].mean())
    return float(ece)


def reliability(labels, probs, bins=10):
    labels = np.asarray(labels, np.float64)
    probs = np.asarray(probs, np.float64)
    edges = np.linspace(0, 1, bins + 1)
    rows = []
    for lo, hi in zip(edges[:-1], edges[1:]):
        mask = (probs >= lo) & ((probs < hi) if hi < 1 else (probs <= hi))
        if mask.any():
            rows.append((float(probs[mask].mean()), float(labels[mask].mean()), int(mask.sum())))
    return rows


def fit_platt(logits, labels, iterations=200):
    """p = sigmoid(a * logit + b), fitted by maximum likelihood (LBFGS)."""
    z = torch.tensor(np.asarray(logits), dtype=torch.float64)
    y = torch.tensor(np.asarray(labels), dtype=torch.float64)
    a = torch.ones((), dtype=torch.float64, requires_grad=True)
    b = torch.zeros((), dtype=torch.float64, requires_grad=True)
    opt = torch.optim.LBFGS([a, b], lr=0.5, max_iter=iterations, line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        loss = torch.nn.functional.binary_cross_entropy_with_logits(a * z + b, y)
        loss.backward()
        return loss

    opt.step(closure)
    return float(a.detach()), float(b.detach())


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-np.asarray(x, np.float64)))


def cross_fitted_probs(logits, labels, folds=5, seed=0):
    """Calibrated probabilities where each scan's Platt parameters were fitted without it."""
    logits = np.asarray(logits)
    labels = np.asarray(labels)
    rng = np.random.default_rng(seed)
    fold_of = np.empty(len(labels), np.int64)
    for cls in (0, 1):
        idx = np.flatnonzero(labels == cls)
        rng.shuffle(idx)
        fold_of[idx] = np.arange(len(idx)) % folds
    out = np.empty(len(labels))
    for f in range(folds):
        a, b = fit_platt(logits[fold_of != f], labels[fold_of != f])
        out[fold_of == f] = sigmoid(a * logits[fold_of == f] + b)
    return out


def confusion(labels, probs, threshold):
    labels = np.asarray(labels)
    pred = np.asarray(probs) >= threshold
    tp = int((pred & (labels == 1)).sum())
    fn = int((~pred & (labels == 1)).sum())
    tn = int((~pred & (labels == 0)).sum())
    fp = int((pred & (labels == 0)).sum())
    return tp, fn, tn, fp


def choose_threshold(labels, probs, min_sensitivity, min_specificity,
                     grid=np.round(np.arange(0.01, 1.0, 0.01), 2)):
    """The threshold on a 0.01 grid with the largest margin over both targets.

    Maximises min(sensitivity - min_sensitivity, specificity - min_specificity) on
    validation; ties go to the lower threshold (the more sensitive one). A threshold that
    only just reaches one target on validation tends to miss it on new scans; the largest
    common margin is the operating point most likely to hold on both.
    """
    best, best_margin = float(grid[0]), -np.inf
    for t in grid:
        tp, fn, tn, fp = confusion(labels, probs, t)
        margin = min(tp / max(tp + fn, 1) - min_sensitivity, tn / max(tn + fp, 1) - min_specificity)
        if margin > best_margin + 1e-12:
            best, best_margin = float(t), margin
    return best


def choose_tiers(labels, probs, threshold, low_max_rate, high_min_rate,
                 grid=np.round(np.arange(0.01, 1.0, 0.01), 2)):
    """Upper bound of 'low' and lower bound of 'high' on a 0.01 grid.

    low: the highest t <= threshold with tumour rate among scores < t at most low_max_rate.
    high: the lowest t >= threshold with tumour rate among scores >= t at least high_min_rate.
    Both rates are measured on validation scans.
    """
    labels = np.asarray(labels)
    probs = np.asarray(probs)
    low = None
    for t in grid:
        if t > threshold:
            break
        mask = probs < t
        if mask.sum() == 0 or labels[mask].mean() <= low_max_rate:
            low = float(t)
    high = None
    for t in grid[::-1]:
        if t < threshold:
            break
        mask = probs >= t
        if mask.sum() > 0 and labels[mask].mean() >= high_min_rate:
            high = float(t)
    return (low if low is not None else float(grid[0])), (high if high is not None else float(grid[-1]))


def tier_table(labels, probs, low, high):
    labels = np.asarray(labels)
    probs = np.asarray(probs)
    rows = []
    for name, mask, lo, hi in (
            ("low", probs < low, 0.0, low),
            ("medium", (probs >= low) & (probs < high), low, high),
            ("high", probs >= high, high, 1.0)):
        n = int(mask.sum())
        k = int(labels[mask].sum())
        ci = wilson(k, n)
        rows.append({"tier": name, "from": lo, "to": hi, "scans": n, "tumours": k,
                     "tumourRate": (k / n) if n else None,
                     "tumourRateCi95": [round(ci[0], 4), round(ci[1], 4)] if n else None})
    return rows


def summary(labels, probs, threshold, auc_ci_seed=0):
    tp, fn, tn, fp = confusion(labels, probs, threshold)
    sens = tp / max(tp + fn, 1)
    spec = tn / max(tn + fp, 1)
    auc = roc_auc(labels, probs)
    lo, hi = bootstrap_auc_ci(labels, probs, seed=auc_ci_seed)
    s_lo, s_hi = wilson(tp, tp + fn)
    p_lo, p_hi = wilson(tn, tn + fp)
    return {
        "scans": int(len(labels)), "tumour": int(tp + fn), "noTumour": int(tn + fp),
        "rocAuc": round(auc, 4), "rocAucCi95": [round(lo, 4), round(hi, 4)],
        "sensitivity": round(sens, 4), "sensitivityCi95": [round(s_lo, 4), round(s_hi, 4)],
        "specificity": round(spec, 4), "specificityCi95": [round(p_lo, 4), round(p_hi, 4)],
        "balancedAccuracy": round((sens + spec) / 2, 4),
        "confusion": {"tp": tp, "fn": fn, "tn": tn, "fp": fp},
        "ece": round(expected_calibration_error(labels, probs), 4),
        "brier": round(float(np.mean((np.asarray(probs) - np.asarray(labels)) ** 2)), 4),
    }
