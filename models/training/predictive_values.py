#!/usr/bin/python3
"""What a tier means at 10 % and 50 % tumour prevalence, for a model already trained.

    /usr/bin/python3 models/training/predictive_values.py --model models/

train.py writes these figures itself (metrics.predictiveValues, the card's "What a tier means at
your prevalence"); this adds them to a manifest and card written before it did (model 2.3.0),
from the run's own out-of-fold tier counts (metrics.riskTiers: scans and tumours per tier), with
Bayes' rule and the same Wilson ranges. Nothing is re-measured.
"""
import argparse
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import metrics as M  # noqa: E402
import report  # noqa: E402

MARK = "\n## What a tier means at your prevalence\n"


def from_tier_counts(tiers, low, threshold):
    """Labels and stand-in scores (each tier's midpoint) that reproduce the tier counts exactly."""
    labels, probs = [], []
    for t in tiers:
        mid = (t["from"] + min(t["to"], 1.0)) / 2
        labels += [1] * t["tumours"] + [0] * (t["scans"] - t["tumours"])
        probs += [mid] * t["scans"]
    return M.predictive_values(np.asarray(labels), np.asarray(probs), low, threshold, (M.TRAINING, 0.5, 0.1))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", required=True, help="folder with brainscan.json and README.md (the card)")
    a = p.parse_args()
    path = os.path.join(a.model, "brainscan.json")
    with open(path) as f:
        man = json.load(f)
    low, threshold = man["riskTiers"][0]["upperBound"], man["decisionThreshold"]
    pv = from_tier_counts(man["metrics"]["riskTiers"], low, threshold)
    man["metrics"]["predictiveValues"] = pv
    with open(path, "w") as f:
        json.dump(man, f, indent=2)
        f.write("\n")
    card_path = os.path.join(a.model, "README.md")
    with open(card_path) as f:
        card = f.read()
    section = report._predictive_section({"predictiveValues": pv}).lstrip("\n")
    section += ("\n(Added to this card by `predictive_values.py` from the tier table above; a retrain writes it "
                "itself.)\n")
    if MARK in card:
        start = card.index(MARK) + 1
        end = card.find("\n## ", start + 4)
        card = card[:start] + section + card[end + 1:]
    else:
        anchor = "\n## Preprocessing v2"
        card = card.replace(anchor, "\n" + section + anchor, 1)
    with open(card_path, "w") as f:
        f.write(card)
    for e in pv:
        print(e["prevalence"], {t: e[t]["tumourProbability"] for t in ("low", "medium", "high")})


if __name__ == "__main__":
    main()
