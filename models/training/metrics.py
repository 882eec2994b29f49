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


def clopper_pearson(k, n, alpha=0.05):
    """Exact two-sided (1 - alpha) binomial interval for k of n."""
    from scipy.stats import beta  # noqa: WPS433 (only where needed)
    if n == 0:
        return 0.0, 1.0
    lo = 0.0 if k == 0 else float(beta.ppf(alpha / 2, k, n - k + 1))
    hi = 1.0 if k == n else float(beta.ppf(1 - alpha / 2, k + 1, n - k))
    return lo, hi


def choose_low_bound(labels, probs, threshold, max_share, max_tier_rate=1.0,
                     grid=np.round(np.arange(0.01, 1.0, 0.01), 2)):
    """The highest t <= threshold on a 0.01 grid such that (a) the share of tumours scoring below t
    has an upper 95 % Clopper-Pearson bound of at most max_share (a rule-out promise over tumours)
    and (b) the tumour rate among scans below t has an upper 95 % Clopper-Pearson bound of at most
    max_tier_rate (what a reader of the tier sees)."""
    labels = np.asarray(labels)
    probs = np.asarray(probs)
    tumour = probs[labels == 1]
    best = float(grid[0])
    for t in grid:
        if t > threshold:
            break
        k = int((tumour < t).sum())
        below = probs < t
        rate_ok = clopper_pearson(int(labels[below].sum()), int(below.sum()))[1] <= max_tier_rate
        if clopper_pearson(k, len(tumour))[1] <= max_share and rate_ok:
            best = float(t)
    return best


def macro_f1(true, pred, k):
    f1s = []
    for c in range(k):
        tp = int(((pred == c) & (true == c)).sum())
        fp = int(((pred == c) & (true != c)).sum())
        fn = int(((pred != c) & (true == c)).sum())
        f1s.append(2 * tp / max(2 * tp + fp + fn, 1))
    return float(np.mean(f1s)), f1s


def _rate(k, n):
    lo, hi = wilson(k, n) if n else (0.0, 1.0)
    return {"value": round(k / n, 4) if n else None, "k": int(k), "n": int(n), "ci95": [round(lo, 4), round(hi, 4)]}


def _subset(labels, probs, pred, m):
    t = m & (labels == 1)
    n = m & (labels == 0)
    entry = {"scans": int(m.sum()), "sensitivity": _rate(int((pred & t).sum()), int(t.sum())),
             "specificity": _rate(int((~pred & n).sum()), int(n.sum()))}
    if t.sum() and n.sum():
        entry["rocAuc"] = round(roc_auc(labels[m], probs[m]), 4)
    return entry


TRAINING = None  # the prevalence of the evaluation data itself


def predictive_values(labels, probs, low, threshold, prevalences):
    """What each tier means at a given tumour prevalence: Bayes from the out-of-fold rates at which
    tumours and non-tumours land in each tier. The range is the one the rates' Wilson 95 % intervals
    allow (the lowest and highest value over their ends)."""
    labels = np.asarray(labels)
    probs = np.asarray(probs)
    tumour, non = probs[labels == 1], probs[labels == 0]
    tiers = {"low": (0.0, low), "medium": (low, threshold), "high": (threshold, 1.01)}
    out = []
    for prev in prevalences:
        pi = float(labels.mean()) if prev is None else float(prev)
        entry = {"prevalence": round(pi, 4), "source": "evaluation data" if prev is None else "assumed"}
        for name, (lo, hi) in tiers.items():
            kt = int(((tumour >= lo) & (tumour < hi)).sum())
            kn = int(((non >= lo) & (non < hi)).sum())
            rt, rn = kt / len(tumour), kn / len(non)
            (rt_lo, rt_hi), (rn_lo, rn_hi) = wilson(kt, len(tumour)), wilson(kn, len(non))

            def p_tumour(a, c):
                d = a * pi + c * (1 - pi)
                return a * pi / d if d > 0 else None
            point = p_tumour(rt, rn)
            ends = [v for v in (p_tumour(rt_lo, rn_hi), p_tumour(rt_hi, rn_lo)) if v is not None]
            entry[name] = {"tumourProbability": round(point, 4) if point is not None else None,
                           "range95": [round(min(ends), 4), round(max(ends), 4)] if ends else None,
                           "tumoursInTier": [kt, len(tumour)], "nonTumoursInTier": [kn, len(non)]}
        out.append(entry)
    return out


def loso_report(rows, labels, probs, logits, threshold, low):
    """Scores of a model that never saw this source: overall figures and per plane."""
    labels = np.asarray(labels)
    probs = np.asarray(probs)
    out = {"overall": summary(labels, probs, threshold) if 0 < labels.sum() < len(labels) else
           {"scans": int(len(labels))}}
    pred = probs >= threshold
    out["byPlane"] = {p: _subset(labels, probs, pred, np.asarray([r["plane"] == p for r in rows]))
                      for p in sorted({r["plane"] for r in rows})}
    out["tumoursInLowTier"] = [int(((probs < low) & (labels == 1)).sum()), int(labels.sum())]
    return out


def oof_report(rows, labels, probs, logits, type_probs, threshold, low, type_names, max_share):
    """Every card figure on the out-of-fold scores: overall, per source, per tumour type, the
    tier promises and the tumour-type confusion matrix."""
    labels = np.asarray(labels)
    probs = np.asarray(probs)
    out = {"overall": summary(labels, probs, threshold)}
    out["overall"]["eceUncalibrated"] = round(expected_calibration_error(labels, sigmoid(logits)), 4)
    pred = probs >= threshold
    out["bySource"] = {source: _subset(labels, probs, pred, np.asarray([r["source"] == source for r in rows]))
                       for source in sorted({r["source"] for r in rows})}
    for key, field in (("byPlane", "plane"), ("byLevel", "level"), ("byPlaneAndSource", None)):
        if not all("plane" in r for r in rows):
            break
        groups = sorted({(r["plane"] if field is None else r[field]) + ("/" + r["source"] if field is None else "")
                         for r in rows})
        table = {}
        for gname in groups:
            m = np.asarray([((r["plane"] + "/" + r["source"]) if field is None else r[field]) == gname for r in rows])
            table[gname] = _subset(labels, probs, pred, m)
        out[key] = table
    by_type = {}
    true_type = np.asarray([type_names.index(r["tumor_type"]) if r["tumor_type"] in type_names else -1 for r in rows])
    for i, name in enumerate(type_names + ["unknown"]):
        t = (true_type == (i if name != "unknown" else -1)) & (labels == 1)
        by_type[name] = {"sensitivity": _rate(int((pred & t).sum()), int(t.sum()))}
    out["sensitivityByTumorType"] = by_type
    known = true_type >= 0
    guess = np.argmax(type_probs, axis=1)
    f1, per = macro_f1(true_type[known], guess[known], len(type_names))
    matrix = [[int(((true_type == a) & (guess == b) & known).sum()) for b in range(len(type_names))]
              for a in range(len(type_names))]
    accuracy = float((guess[known] == true_type[known]).mean()) if known.any() else None
    out["tumorType"] = {"scans": int(known.sum()), "macroF1": round(f1, 4),
                        "f1": {n: round(v, 4) for n, v in zip(type_names, per)},
                        "accuracy": round(accuracy, 4) if accuracy is not None else None,
                        "confusion": {"rows": "true type", "columns": "predicted type", "order": type_names,
                                      "matrix": matrix}}
    tumour = probs[labels == 1]
    non = probs[labels == 0]
    k_low = int((tumour < low).sum())
    k_high = int((non >= threshold).sum())
    in_low = probs < low
    out["promises"] = {
        "low": {"bound": low, "tumoursBelow": k_low, "tumours": int(len(tumour)),
                "share": round(k_low / max(len(tumour), 1), 4),
                "shareUpper95": round(clopper_pearson(k_low, len(tumour))[1], 4), "promisedShare": max_share,
                "tierScans": int(in_low.sum()), "tierTumourRate": _rate(int(labels[in_low].sum()), int(in_low.sum()))},
        "high": {"bound": threshold, "nonTumoursAbove": k_high, "nonTumours": int(len(non)),
                 "share": round(k_high / max(len(non), 1), 4),
                 "shareUpper95": round(clopper_pearson(k_high, len(non))[1], 4)},
    }
    return out
