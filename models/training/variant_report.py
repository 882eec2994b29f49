"""Per-family refusals and label agreement of `classify` over variants.py output.

    /usr/bin/python3 models/training/variant_report.py --variants /tmp/variants \\
        --results /tmp/variants-results.csv [--originals /tmp/originals.csv]

--results is `classify --format csv` over the variants folder; --originals (optional) the
same over the original scans, for agreement with the model's own label on the original.
"Agrees" is with the original scan's dataset label (refusals count as disagreement in
"of all", and are left out of "of classified").
"""
import argparse
import csv
import os
from collections import OrderedDict


def load_results(path):
    out = {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            out[os.path.normpath(row["scanId"])] = row
    return out


def find(results, path):
    """The result whose scanId ends with path (classify keeps the path as given)."""
    norm = os.path.normpath(path)
    if norm in results:
        return results[norm]
    for k, v in results.items():
        if k.endswith(os.sep + norm) or k == norm:
            return v
    return None


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--variants", required=True)
    ap.add_argument("--results", required=True)
    ap.add_argument("--originals")
    a = ap.parse_args(argv)
    results = load_results(a.results)
    originals = load_results(a.originals) if a.originals else None
    fams = OrderedDict()
    with open(os.path.join(a.variants, "variants.csv"), newline="") as f:
        for row in csv.DictReader(f):
            r = find(results, row["path"])
            if r is None:
                raise SystemExit(f"no result for {row['path']}")
            s = fams.setdefault(row["family"], dict(n=0, refused=0, codes={}, agree=0, tp=0, pos=0, tn=0, neg=0,
                                                    same=0, orig=0))
            s["n"] += 1
            truth = row["label"]
            if r["errorCode"]:
                s["refused"] += 1
                s["codes"][r["errorCode"]] = s["codes"].get(r["errorCode"], 0) + 1
            label = r["label"] or None
            s["agree"] += label == truth
            if truth == "tumor":
                s["pos"] += 1
                s["tp"] += label == "tumor"
            else:
                s["neg"] += 1
                s["tn"] += label == "no_tumor"
            if originals is not None:
                o = find(originals, row["original"])
                if o is not None and o["label"]:
                    s["orig"] += 1
                    s["same"] += label == o["label"]
    head = "| family | scans | refused | label agrees (of all) | of classified | sensitivity | specificity |"
    if originals is not None:
        head += " agrees with the model on the original |"
    print(head)
    print("|" + " --- |" * (head.count("|") - 1))
    tot = dict(n=0, refused=0, agree=0)
    for fam, s in fams.items():
        classified = s["n"] - s["refused"]
        codes = ", ".join(f"{k} {v}" for k, v in sorted(s["codes"].items()))
        line = (f"| {fam} | {s['n']} | {s['refused']} ({100 * s['refused'] / s['n']:.1f} %)"
                f"{' ' + codes if codes else ''} | {s['agree'] / s['n']:.3f} | "
                f"{(s['agree'] / classified) if classified else float('nan'):.3f} | "
                f"{(s['tp'] / s['pos']) if s['pos'] else float('nan'):.3f} | "
                f"{(s['tn'] / s['neg']) if s['neg'] else float('nan'):.3f} |")
        if originals is not None:
            line += f" {(s['same'] / s['orig']) if s['orig'] else float('nan'):.3f} |"
        print(line)
        for k in tot:
            tot[k] += s[k]
    if tot["n"]:
        print(f"| all | {tot['n']} | {tot['refused']} ({100 * tot['refused'] / tot['n']:.1f} %) | "
              f"{tot['agree'] / tot['n']:.3f} | | | |" + (" |" if originals is not None else ""))


if __name__ == "__main__":
    main()
