#!/usr/bin/python3
"""Export one cross-validation fold model, for honest evaluation of what the shipped model cannot
be evaluated on (it trained on every train+val image): variants, DICOM conversions, anything
made from scans.

    /usr/bin/python3 models/training/export_fold.py --data ../shared/datasets/brain-mri \\
        --fold 1 --out /tmp/brainscan-fold1 [train.py's recipe options]

Needs the fold checkpoint a finished `train.py` run left under --work (same recipe options).
Writes OUT/brainscan.onnx and OUT/brainscan.json (the shipped manifest with this file's sha256,
the name suffixed "-fold<k>"; calibration, threshold and tiers as shipped) and
OUT/held-out.txt: the fold's held-out evaluation images (dataset paths, one per group). The
output is derived from the dataset's split: keep it outside the repository.
"""
import hashlib
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import export  # noqa: E402
import nets  # noqa: E402
import train  # noqa: E402


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    fold = int(argv[argv.index("--fold") + 1])
    del argv[argv.index("--fold"):argv.index("--fold") + 2]
    manifest_path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "brainscan.json")
    if "--manifest" in argv:
        manifest_path = argv[argv.index("--manifest") + 1]
        del argv[argv.index("--manifest"):argv.index("--manifest") + 2]
    args = train.parse_args(argv)
    recipe = hashlib.sha256(json.dumps({k: v for k, v in vars(args).items() if k in train.RECIPE},
                                       sort_keys=True).encode()).hexdigest()[:10]
    ckpt = os.path.join(args.work, f"ckpt-{recipe}", f"fold{fold}.pt")
    if not os.path.exists(ckpt):
        sys.exit(f"no checkpoint {ckpt}: run train.py with the same options first")
    shipped = json.load(open(manifest_path))
    net = nets.ARCHITECTURES["small-typed"]()
    net.load_state_dict(torch.load(ckpt))
    net.eval()
    cal = shipped["outputs"]["probability"]["calibration"]
    os.makedirs(args.out, exist_ok=True)
    onnx_path = os.path.join(args.out, "brainscan.onnx")
    info = export.export_onnx(net, cal["a"], cal["b"], args.size, onnx_path,
                              os.path.join(args.out, "brainscan.parity.json"), args.seed,
                              {"name": f"{shipped['name']}-fold{fold}", "version": shipped["version"]})
    shipped["name"] = f"{shipped['name']}-fold{fold}"
    shipped["sha256"] = info["sha256"]
    with open(os.path.join(args.out, "brainscan.json"), "w") as f:
        json.dump(shipped, f, indent=2)
    _, kept, _, _ = train.load_data(args)
    folds, representative = train.make_folds(kept, args.folds, args.seed)
    with open(os.path.join(args.out, "held-out.txt"), "w") as f:
        for r, k, rep in zip(kept, folds, representative):
            if k == fold - 1 and rep:
                f.write(r["path"] + "\n")
    print(f"fold {fold} model in {args.out}")


if __name__ == "__main__":
    main()
