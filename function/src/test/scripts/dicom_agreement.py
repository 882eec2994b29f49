#!/usr/bin/env python3
"""DICOM vs JPEG agreement on validation scans (docs/dicom.md, "Agreement with the JPEG results"), measured, never committed.

For N validation JPEGs (every k-th of the manifest's val split) it writes, in a temporary
folder, the DICOM files a PACS export or a converter would give (Debian's dcmtk and GDCM):
img2dcm's encapsulation of the JPEG itself (JPEG baseline), then from it explicit VR little
endian, RLE lossless, JPEG lossless SV1, a re-encoded JPEG baseline, JPEG-LS and JPEG 2000.
It classifies the JPEGs and every DICOM file with one `classify` run and reports, per syntax,
how many files got a result, the label agreement with the JPEG's result and the median
|score difference|. Nothing derived from the dataset is kept.

usage: dicom_agreement.py CLASSPATH [N]   (CLASSPATH: function/target/classes plus dependencies)
"""
import csv, json, os, statistics, subprocess, sys, tempfile

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))
DATA = os.environ.get("BRAINSCAN_DATASET", os.path.join(os.path.dirname(REPO), "shared", "datasets", "brain-mri"))
JAVA = "/usr/lib/jvm/temurin-25-jdk-amd64/bin/java"
VARIANTS = [  # name, command writing OUT from the img2dcm file IN
    ("jpeg-baseline-img2dcm", None),
    ("explicit-vr-le", ["dcmdjpeg", "{in}", "{out}"]),
    ("implicit-vr-le", ["dcmdjpeg", "+ti", "{in}", "{out}"]),
    ("rle", ["sh", "-c", "dcmdjpeg {in} {out}.raw && dcmcrle {out}.raw {out} && rm {out}.raw"]),
    ("jpeg-lossless-sv1", ["sh", "-c", "dcmdjpeg {in} {out}.raw && dcmcjpeg +e1 {out}.raw {out} && rm {out}.raw"]),
    ("jpeg-baseline-reencoded", ["sh", "-c", "dcmdjpeg {in} {out}.raw && dcmcjpeg +eb {out}.raw {out} && rm {out}.raw"]),
    ("jpeg-ls", ["sh", "-c", "dcmdjpeg {in} {out}.raw && dcmcjpls {out}.raw {out} && rm {out}.raw"]),
    ("jpeg-2000", ["sh", "-c", "dcmdjpeg {in} {out}.raw && gdcmconv --j2k {out}.raw {out} && rm {out}.raw"]),
    ("jpeg-ls-gdcm", ["sh", "-c", "dcmdjpeg {in} {out}.raw && gdcmconv --jpegls {out}.raw {out} && rm {out}.raw"]),
    ("jpeg-ls-near-lossless", ["sh", "-c", "dcmdjpeg {in} {out}.raw && dcmcjpls --encode-nearlossless "
                               "--max-deviation 2 {out}.raw {out} && rm {out}.raw"]),
    ("jpeg-2000-lossy", ["sh", "-c", "dcmdjpeg {in} {out}.raw && gdcmconv --j2k --lossy -r 10 {out}.raw {out} "
                         "2>/dev/null && rm {out}.raw"]),
]


def main():
    global VARIANTS
    only = os.environ.get("DICOM_AGREEMENT_ONLY")  # e.g. "rle,jpeg-lossless-sv1": a subset of the syntaxes
    if only:
        VARIANTS = [VARIANTS[0]] + [v for v in VARIANTS[1:] if v[0] in only.split(",")]
    classpath = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    with open(os.path.join(DATA, "manifest.csv")) as f:
        val = [r for r in csv.DictReader(f) if r["split"] == "val"]
    step = max(1, len(val) // n)
    chosen = val[::step][:n]
    work = tempfile.mkdtemp(prefix="dicom-agreement-")
    failed_conversion = {}
    for i, row in enumerate(chosen):
        src = os.path.join(DATA, row["path"])
        jpg = os.path.join(work, "jpeg", f"{i:04d}.jpg")
        os.makedirs(os.path.dirname(jpg), exist_ok=True)
        with open(src, "rb") as a, open(jpg, "wb") as b:
            b.write(a.read())
        base = os.path.join(work, "jpeg-baseline-img2dcm", f"{i:04d}.dcm")
        os.makedirs(os.path.dirname(base), exist_ok=True)
        r = subprocess.run(["img2dcm", "-k", "Modality=MR", jpg, base], capture_output=True)
        if r.returncode != 0:
            failed_conversion["img2dcm"] = failed_conversion.get("img2dcm", 0) + 1
            continue
        for name, cmd in VARIANTS[1:]:
            out = os.path.join(work, name, f"{i:04d}.dcm")
            os.makedirs(os.path.dirname(out), exist_ok=True)
            c = [p.replace("{in}", base).replace("{out}", out) for p in cmd]
            if subprocess.run(c, capture_output=True).returncode != 0:
                failed_conversion[name] = failed_conversion.get(name, 0) + 1
    env = dict(os.environ, OPT_OUT_TRACKING="true", ORT_DISABLE_TELEMETRY="1", BRAINSCAN_STARTUP_REPORT="false")
    out = subprocess.run([JAVA, "--enable-native-access=ALL-UNNAMED", "-cp", classpath, "dev.brainscan.cli.Main",
                          "classify", "--threads", "2", "--format", "jsonl", work],
                         capture_output=True, text=True, env=env)
    records = {}
    for line in out.stdout.splitlines():
        rec = json.loads(line)
        rel = os.path.relpath(rec["scanId"], work)
        records[rel] = rec
    report = {"scans": len(chosen), "conversionFailures": failed_conversion, "syntaxes": {}}
    for name, _ in VARIANTS:
        agree = total = results = 0
        diffs, codes = [], {}
        for i in range(len(chosen)):
            j = records.get(os.path.join("jpeg", f"{i:04d}.jpg"))
            d = records.get(os.path.join(name, f"{i:04d}.dcm"))
            if d is None or j is None:
                continue
            total += 1
            if "error" in d:
                codes[d["error"]["code"]] = codes.get(d["error"]["code"], 0) + 1
                continue
            results += 1
            if "error" in j:
                continue
            agree += d["label"] == j["label"]
            diffs.append(abs(d["score"] - j["score"]))
        both = len(diffs)
        report["syntaxes"][name] = {
            "files": total, "results": results, "errors": codes,
            "labelAgreement": round(agree / both, 4) if both else None,
            "medianAbsScoreDiff": round(statistics.median(diffs), 6) if diffs else None,
            "maxAbsScoreDiff": round(max(diffs), 6) if diffs else None, "compared": both}
    jpeg_errors = sum(1 for k, v in records.items() if k.startswith("jpeg/") and "error" in v)
    report["jpegErrors"] = jpeg_errors
    print(json.dumps(report, indent=2))
    subprocess.run(["rm", "-rf", work])


if __name__ == "__main__":
    main()
