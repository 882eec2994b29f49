#!/usr/bin/python3
"""Label agreement of DICOM exports with their JPEG originals (docs/dicom.md, "Agreement").

For a sample of dataset images (never copied into the repository): the JPEG's grey values
become an 8-bit MR slice and a 12-bit one (value * 16 + 7, with a file window), written by
pydicom, then re-encoded the way archives write them: JPEG 2000 lossless and lossy 10:1
(gdcmconv --j2k [--lossy -r 10]), JPEG-LS lossless (dcmcjpls; gdcmconv --jpegls) and
near-lossless (dcmcjpls --encode-nearlossless --max-deviation 2) and deflated (dcmconv). All
files go through one `brainscan classify` run; each family's label agreement with the JPEG's own record and the median |score
difference| are printed as a table.

Usage (Debian's python3 with pydicom, dcmtk and GDCM installed):
  /usr/bin/python3 tools/dicom_agreement.py ../shared/datasets/brain-mri 60 /tmp/agreement
"""
import csv
import json
import os
import statistics
import subprocess
import sys

import numpy as np
import pydicom
from PIL import Image
from pydicom.dataset import FileDataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

FAMILIES = {
    "j2k-lossless-8": ("8", ["gdcmconv", "--j2k"]),
    "j2k-lossless-12": ("12", ["gdcmconv", "--j2k"]),
    "j2k-lossy-8": ("8", ["gdcmconv", "--j2k", "--lossy", "-r", "10"]),
    "j2k-lossy-12": ("12", ["gdcmconv", "--j2k", "--lossy", "-r", "10"]),
    "jls-lossless-8": ("8", ["dcmcjpls"]),
    "jls-lossless-12": ("12", ["dcmcjpls"]),
    "jls-gdcm-12": ("12", ["gdcmconv", "--jpegls"]),
    "jls-near-8": ("8", ["dcmcjpls", "--encode-nearlossless", "--max-deviation", "2"]),
    "jls-near-12": ("12", ["dcmcjpls", "--encode-nearlossless", "--max-deviation", "2"]),
    "deflated-12": ("12", ["dcmconv", "--write-xfer-deflated"]),
    "uncompressed-8": ("8", None),
}


def mr(path, grey, bits):
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.4"
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = FileDataset(path, {}, file_meta=meta, preamble=b"\0" * 128)
    ds.SOPClassUID = meta.MediaStorageSOPClassUID
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.StudyInstanceUID = generate_uid()
    ds.SeriesInstanceUID = generate_uid()
    ds.Modality = "MR"
    ds.Rows, ds.Columns = grey.shape
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.PixelRepresentation = 0
    if bits == 8:
        ds.BitsAllocated, ds.BitsStored, ds.HighBit = 8, 8, 7
        ds.PixelData = grey.astype(np.uint8).tobytes()
    else:
        ds.BitsAllocated, ds.BitsStored, ds.HighBit = 16, 12, 11
        ds.WindowCenter, ds.WindowWidth = 2047.5, 4096
        ds.PixelData = (grey.astype(np.uint16) * 16 + 7).tobytes()
    ds.is_little_endian, ds.is_implicit_VR = True, False
    ds.save_as(path, write_like_original=False)


def main():
    data, count, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(data, "manifest.csv")) as f:
        rows = [r for r in csv.DictReader(f) if r["split"] == "val"]
    rows.sort(key=lambda r: r["sha256"])  # a fixed sample, both labels
    sample = rows[:: max(1, len(rows) // count)][:count]
    inputs = []
    for r in sample:
        name = r["sha256"][:16]
        jpg = os.path.join(data, r["path"])
        grey = np.asarray(Image.open(jpg).convert("L"))
        inputs.append(jpg)
        base = {}
        for bits in ("8", "12"):
            base[bits] = os.path.join(out, f"{name}-base{bits}.dcm")
            mr(base[bits], grey, int(bits))
        for family, (bits, cmd) in FAMILIES.items():
            target = os.path.join(out, f"{name}-{family}.dcm")
            if cmd is None:
                target = base[bits]
            else:
                subprocess.run(cmd + [base[bits], target], check=True, capture_output=True)
            inputs.append(target)
    res = subprocess.run(["./brainscan", "classify", "--format", "jsonl"] + inputs, capture_output=True, text=True)
    records = {}
    for line in res.stdout.splitlines():
        rec = json.loads(line)
        records[rec["source"]["file"]] = rec
    table = {f: [] for f in FAMILIES}
    failures = {f: 0 for f in FAMILIES}
    for r in sample:
        name = r["sha256"][:16]
        ref = records[os.path.join(data, r["path"])]
        for family in FAMILIES:
            bits = FAMILIES[family][0]
            path = os.path.join(out, f"{name}-{family}.dcm") if FAMILIES[family][1] else \
                os.path.join(out, f"{name}-base{bits}.dcm")
            rec = records[path]
            if "error" in rec or "error" in ref:
                failures[family] += 1
                continue
            table[family].append((rec["label"] == ref["label"], abs(rec["score"] - ref["score"])))
    print(f"| family | files | classified | label agreement | median abs score diff | max abs score diff |")
    print("| --- | --- | --- | --- | --- | --- |")
    for family, pairs in table.items():
        n = len(pairs) + failures[family]
        agree = sum(1 for a, _ in pairs if a)
        diffs = [d for _, d in pairs]
        print(f"| {family} | {n} | {len(pairs)} | {agree}/{len(pairs)} ({100.0 * agree / max(1, len(pairs)):.1f} %) "
              f"| {statistics.median(diffs) if diffs else float('nan'):.4f} | {max(diffs) if diffs else float('nan'):.4f} |")


if __name__ == "__main__":
    main()
