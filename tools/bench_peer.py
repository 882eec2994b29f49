#!/usr/bin/python3
"""brainscan `classify` against the Python/OpenCV peer (tools/peer_classify.py), issues 17 and 30.

    /usr/bin/python3 tools/bench_peer.py ../shared/datasets/brain-mri/val --scans 300 --runs 3
    /usr/bin/python3 tools/bench_peer.py --bands ../shared/datasets/brain-mri/val ../shared/datasets/brain-mri/train \
        --scans 300 --runs 5

With --bands, the given folders' scans are sorted into size bands as `./brainscan bench` sorts
them (a longer side under 300 px, 300-700 px, over 700 px; 2-4 MP first): --scans files per
band, spread evenly over the band's files; the over-700 band topped up, and the 2-4 MP photo
band made, by enlarging given scans (bilinear, JPEG quality 75, as bench does with ImageIO's
default), plus a "dataset mix" folder with the bands in the dataset's proportions. Every band
is one comparison of its own (whole processes, alternated), and the table gives per band the
whole-process and warm per-scan ratios and the worst band.

Both classify the same scans (--scans files spread evenly over the folder in path order,
through a temporary folder of symbolic links) as whole processes, alternated run by run (the order
flips every run), on one core (taskset -c 0) and on two (taskset -c 0,1). Each brainscan
variant (--variant NAME='JVM FLAGS', default: the launcher as it is) is one more contender.
Prints medians of the wall times and ratios brainscan/peer (below 1: brainscan is faster),
the whole process's CPU time (user + system, from the kernel's accounting of the child: less
sensitive to a busy machine than the wall time), and the per-scan medians each reports: the
peer's own timer, brainscan's timingsMs (sum of "total"), whole run, first 5 scans and second
half.
"""
import argparse
import json
import os
import resource
import signal
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def subset(folder, n):
    files = []
    for root, dirs, names in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        files.extend(os.path.join(root, x) for x in names if not x.startswith("."))
    files.sort()
    files = files[::max(1, len(files) // n)][:n]  # spread over the folder (both classes of val/)
    tmp = tempfile.mkdtemp(prefix="brainscan-peer-bench-")
    for i, f in enumerate(files):
        os.symlink(os.path.abspath(f), os.path.join(tmp, "%05d%s" % (i, os.path.splitext(f)[1])))
    return tmp, min(n, len(files))


# bench's bands (BenchBands.Band.of) and the dataset's counts per band (7,704 train + val images)
BANDS = ["under 300 px", "300-700 px", "over 700 px", "2-4 MP photo"]
DATASET_COUNTS = {"under 300 px": 6436, "300-700 px": 1186, "over 700 px": 81, "2-4 MP photo": 1}
LARGE_TARGET_SIDE = 1024
PHOTO_TARGET_PIXELS = 3_000_000


def band_of(w, h):
    if 2_000_000 <= w * h <= 4_000_000:
        return "2-4 MP photo"
    side = max(w, h)
    return "under 300 px" if side < 300 else "300-700 px" if side <= 700 else "over 700 px"


def spread(files, n):
    """n files spread evenly over the list (all of them when there are fewer)."""
    if len(files) <= n:
        return list(files)
    return [files[int(i * len(files) / n)] for i in range(n)]


def band_folders(folders, n, into=None):
    """One folder per band and one for the dataset mix, under into (default: a new temporary folder);
    returns (root, [(band, dir, scans, made)])."""
    from PIL import Image
    files = []
    for folder in folders:
        for root, dirs, names in os.walk(folder):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            files.extend(os.path.join(root, x) for x in names if not x.startswith("."))
    files.sort()
    by_band = {b: [] for b in BANDS}
    for f in files:
        try:
            with Image.open(f) as im:
                by_band[band_of(*im.size)].append(f)
        except Exception:
            pass  # not an image PIL reads: left out of the bands
    if into is None:
        root = tempfile.mkdtemp(prefix="brainscan-peer-bands-")
    else:
        root = into
        os.makedirs(root)
    out = []

    def link(dst, i, f):
        os.symlink(os.path.abspath(f), os.path.join(dst, "%05d%s" % (i, os.path.splitext(f)[1].lower())))

    def enlarge(dst, i, f, size_of):
        with Image.open(f) as im:
            im = im.convert("L") if im.mode in ("L", "I;16", "I", "1") else im.convert("RGB")
            w, h = size_of(*im.size)
            im.resize((w, h), Image.BILINEAR).save(os.path.join(dst, "%05d-made.jpg" % i), quality=75)

    def longer(w, h):
        s = LARGE_TARGET_SIDE / max(w, h)
        return round(w * s), round(h * s)

    def photo(w, h):
        s = (PHOTO_TARGET_PIXELS / (w * h)) ** 0.5
        return round(w * s), round(h * s)

    sources = spread(by_band["under 300 px"] + by_band["300-700 px"], n)  # what enlarged scans are made from
    chosen = {}
    for k, band in enumerate(BANDS):
        dst = os.path.join(root, "band%d" % k)
        os.mkdir(dst)
        real = spread(by_band[band], n) if band != "2-4 MP photo" else []
        for i, f in enumerate(real):
            link(dst, i, f)
        made = 0
        for i, f in enumerate(sources[:n - len(real)]):
            enlarge(dst, len(real) + i, f, photo if band == "2-4 MP photo" else longer)
            made += 1
        chosen[band] = sorted(os.path.join(dst, x) for x in os.listdir(dst))
        out.append((band, dst, len(real) + made, made))
    # the dataset mix: n scans, each band's share by the dataset's counts (at least one of each)
    total = sum(DATASET_COUNTS.values())
    dst = os.path.join(root, "mix")
    os.mkdir(dst)
    i = 0
    made = 0
    for band in BANDS:
        k = round(n * DATASET_COUNTS[band] / total)
        for f in spread(chosen[band], k):
            os.symlink(os.path.realpath(f), os.path.join(dst, "%05d%s" % (i, os.path.splitext(f)[1])))
            made += f.endswith("-made.jpg")
            i += 1
    out.append(("dataset mix", dst, i, made))
    return root, out


def med(v):
    return statistics.median(v) if v else float("nan")


def run(cmd, env, cores):
    """Runs one contender; its wall time and CPU time (user + system of the process and its children), ms."""
    full = ["taskset", "-c", cores] + cmd
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    p = subprocess.run(full, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wall = (time.perf_counter() - t0) * 1000
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000
    if p.returncode not in (0, 1):
        sys.exit("failed (%d): %s\n%s" % (p.returncode, " ".join(full), p.stderr[-2000:]))
    return wall, cpu, p.stdout, p.stderr


def peer_figures(stdout, stderr):
    s = json.loads([l for l in stderr.splitlines() if l.startswith('{"peer"')][-1])
    return {"perScan": s["perScanMedianMs"], "first5": s["firstFiveMedianMs"], "secondHalf": s["secondHalfMedianMs"],
            "results": [json.loads(l) for l in stdout.splitlines() if l.startswith("{")]}


def brainscan_figures(stdout, stderr):
    recs = [json.loads(l) for l in stdout.splitlines() if l.startswith("{")]
    t = [r.get("timingsMs", {}).get("total", 0) for r in recs]
    t = [x for x in t if x > 0]
    n = len(t)
    f = {"perScan": med(t), "first5": med(t[:5]), "secondHalf": med(t[n // 2:]), "results": recs}
    rep = [l for l in stderr.splitlines() if l.startswith('{"launchToMainMs"')]
    if rep:
        f["startup"] = json.loads(rep[-1])
    return f


def compare(folder, contenders, cores_list, runs, label=""):
    """Every contender on the folder, alternated run by run; per (cores, contender) the wall times and figures."""
    walls = {(c, name): [] for c in cores_list for name, *_ in contenders}
    figs = {(c, name): [] for c in cores_list for name, *_ in contenders}
    for r in range(runs):
        for cores in cores_list:
            order = contenders if r % 2 == 0 else contenders[::-1]
            for name, cmd, env, parse in order:
                wall, cpu, out, err = run(cmd + [folder], env, cores)
                walls[(cores, name)].append(wall)
                f = parse(out, err)
                f["cpuMs"] = cpu
                figs[(cores, name)].append(f)
                print("  %srun %d, cores %-4s %-22s %8.0f ms wall %8.0f ms CPU" % (label, r + 1, cores, name, wall, cpu),
                      flush=True)
    return walls, figs


def rows_of(walls, figs, contenders, cores_list):
    """Per (cores, contender): medians of the wall times and per-scan figures, ratios to the peer."""
    rows = []
    for cores in cores_list:
        pw = med(walls[(cores, "peer")])
        pp = med([f["secondHalf"] for f in figs[(cores, "peer")]])
        pc = med([f["cpuMs"] for f in figs[(cores, "peer")]])
        for name, *_ in contenders:
            w = med(walls[(cores, name)])
            fs = figs[(cores, name)]
            row = {"cores": cores, "contender": name, "wallMs": round(w, 1), "ratio": round(w / pw, 3),
                   "perScanMs": round(med([f["perScan"] for f in fs]), 3),
                   "first5Ms": round(med([f["first5"] for f in fs]), 3),
                   "secondHalfMs": round(med([f["secondHalf"] for f in fs]), 3)}
            row["secondHalfRatio"] = round(row["secondHalfMs"] / pp, 3)
            row["cpuMs"] = round(med([f["cpuMs"] for f in fs]), 1)
            row["cpuRatio"] = round(row["cpuMs"] / pc, 3)
            if "startup" in fs[0]:
                row["firstResultMs"] = med([f["startup"]["firstResultMs"] for f in fs])
            rows.append(row)
    return rows


def agreement(figs, contenders, cores):
    """Scans on which the peer and the first brainscan contender give the same label (both gave one)."""
    first = figs[(cores, "peer")][0]["results"]
    other = figs[(cores, contenders[1][0])][0]["results"]
    both = [(a.get("label"), b.get("label")) for a, b in zip(first, other) if a.get("label") and b.get("label")]
    return sum(1 for a, b in both if a == b), len(both)


def contenders_of(args, base):
    variants = [v.split("=", 1) for v in args.variant] or [["brainscan", None]]
    contenders = [("peer", [args.python, os.path.join(ROOT, "tools", "peer_classify.py")], base, peer_figures)]
    for name, flags in variants:
        env = dict(base, BRAINSCAN_NO_BUILD="1")
        opts = "-Dbrainscan.startup.report=true" + (" " + flags if flags else "")
        env["BRAINSCAN_JAVA_OPTS"] = (env.get("BRAINSCAN_JAVA_OPTS", "") + " " + opts).strip()
        contenders.append((name, [os.path.join(ROOT, "brainscan"), "classify"], env, brainscan_figures))
    return contenders


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folder", nargs="+", help="scans (one folder; with --bands, any number)")
    ap.add_argument("--bands", action="store_true",
                    help="per size band and the dataset mix (issue 30); --scans is then per band (default 100)")
    ap.add_argument("--make-bands", metavar="DIR",
                    help="only write the band folders (band0..band3, mix) under DIR, a new folder, and keep them"
                         " (for BandCost, say)")
    ap.add_argument("--scans", type=int, default=None, help="scans (default 300; per band with --bands, default 100)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--cores", default="0;0,1", help="taskset core lists, ;-separated (default: 0;0,1)")
    ap.add_argument("--variant", action="append", default=[], metavar="NAME=FLAGS",
                    help="a brainscan contender with these JVM flags (BRAINSCAN_JAVA_OPTS); repeatable")
    ap.add_argument("--python", default="/usr/bin/python3")
    ap.add_argument("--json", action="store_true", help="also print every figure as one JSON object")
    args = ap.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("terminated"))  # so the temporary folders are removed
    if args.make_bands:
        for band, folder, scans, made in band_folders(args.folder, args.scans or 100, args.make_bands)[1]:
            print("%-13s %s: %d scans, %d made" % (band, folder, scans, made))
        return
    base = dict(os.environ, ORT_DISABLE_TELEMETRY="1", DJL_DISABLE_TELEMETRY="true")
    contenders = contenders_of(args, base)
    cores_list = args.cores.split(";")
    if args.bands:
        bands(args, contenders, cores_list)
        return
    if len(args.folder) != 1:
        sys.exit("one folder, or --bands")
    folder, n = subset(args.folder[0], args.scans or 300)
    try:
        load = os.getloadavg()
        print("brainscan vs Python/OpenCV peer: %d scans from %s, %d runs each, alternated; load average %.1f %.1f %.1f, %d cores"
              % (n, args.folder[0], args.runs, load[0], load[1], load[2], os.cpu_count()), flush=True)
        walls, figs = compare(folder, contenders, cores_list, args.runs)
        # the labels must agree where both gave one (the peer's resize is not brainscan's: a few may differ)
        agree, both = agreement(figs, contenders, cores_list[0])
        summary = {"scans": n, "runs": args.runs, "labelsAgree": [agree, both],
                   "rows": rows_of(walls, figs, contenders, cores_list)}
        print()
        print("%-6s %-22s %10s %8s %12s %10s %12s %14s" % ("cores", "contender", "wall ms", "ratio", "per scan ms",
                                                          "first 5", "second half", "CPU ms (ratio)"))
        for row in summary["rows"]:
            print("%-6s %-22s %10.0f %7.2fx %12.2f %10.2f %7.2f (%.2fx) %7.0f (%.2fx)" % (
                row["cores"], row["contender"], row["wallMs"], row["ratio"], row["perScanMs"], row["first5Ms"],
                row["secondHalfMs"], row["secondHalfRatio"], row["cpuMs"], row["cpuRatio"]))
        print("\nratio = brainscan / peer, medians of %d alternated runs (<= 1.0: brainscan at least as fast);"
              " labels agree on %d of %d scans" % (args.runs, agree, both))
        if args.json:
            print(json.dumps(summary))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def bands(args, contenders, cores_list):
    """The per-band comparison (issue 30): one alternated comparison per band and for the dataset mix."""
    n = args.scans or 100
    root, folders = band_folders(args.folder, n)
    try:
        load0 = os.getloadavg()
        print("brainscan vs Python/OpenCV peer by size band: up to %d scans per band from %s, %d runs each, alternated;"
              " load average %.1f %.1f %.1f, %d cores" % (n, " ".join(args.folder), args.runs, *load0, os.cpu_count()),
              flush=True)
        summary = {"scansPerBand": n, "runs": args.runs, "bands": []}
        for band, folder, scans, made in folders:
            walls, figs = compare(folder, contenders, cores_list, args.runs, label="%-12s " % band)
            agree, both = agreement(figs, contenders, cores_list[0])
            summary["bands"].append({"band": band, "scans": scans, "made": made, "labelsAgree": [agree, both],
                                     "rows": rows_of(walls, figs, contenders, cores_list)})
        load1 = os.getloadavg()
        summary["loadAverage"] = [list(load0), list(load1)]
        print()
        print("%-13s %5s %5s %6s %-12s %9s %9s %7s %9s %9s %7s %9s %9s %7s %7s" % (
            "band", "scans", "made", "cores", "contender", "peer ms", "ms", "ratio", "peer warm", "warm", "ratio",
            "peer CPU", "CPU", "ratio", "labels"))
        worst = {}
        for b in summary["bands"]:
            for row in b["rows"]:
                if row["contender"] == "peer":
                    continue
                peer = next(r for r in b["rows"] if r["cores"] == row["cores"] and r["contender"] == "peer")
                one = "," not in row["cores"]
                print("%-13s %5d %5d %6s %-12s %9.0f %9.0f %6.2fx %9s %9s %7s %9.0f %9.0f %6.2fx %7s" % (
                    b["band"], b["scans"], b["made"], row["cores"], row["contender"], peer["wallMs"], row["wallMs"],
                    row["ratio"], "%.2f" % peer["secondHalfMs"] if one else "", "%.2f" % row["secondHalfMs"] if one else "",
                    "%.2fx" % row["secondHalfRatio"] if one else "", peer["cpuMs"], row["cpuMs"], row["cpuRatio"],
                    "%d/%d" % tuple(b["labelsAgree"])))
                for key, value in (("whole, cores " + row["cores"], row["ratio"]),
                                   ("whole CPU time, cores " + row["cores"], row["cpuRatio"]),
                                   ("warm, cores " + row["cores"], row["secondHalfRatio"] if one else None)):
                    if value is not None and b["band"] != "dataset mix" and value > worst.get(key, (0, ""))[0]:
                        worst[key] = (value, b["band"])
        print("\nratio = brainscan / peer, medians of %d alternated runs (<= 1.0: brainscan at least as fast); warm ="
              " the median per scan of each run's second half (one core only: on two, brainscan runs two scans at"
              " once); CPU = user + system time of the whole process (less sensitive to other processes than the"
              " wall time; on one core of a quiet machine about the wall time); load average %.1f at the start,"
              " %.1f at the end" % (args.runs, load0[0], load1[0]))
        for key, (value, band) in worst.items():
            print("worst band, %s: %.2fx (%s)" % (key, value, band))
        summary["worst"] = {k: {"ratio": v, "band": b} for k, (v, b) in worst.items()}
        if args.json:
            print(json.dumps(summary))
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
