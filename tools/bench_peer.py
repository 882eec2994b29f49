#!/usr/bin/python3
"""brainscan `classify` against the Python/OpenCV peer (tools/peer_classify.py), issue 17.

    /usr/bin/python3 tools/bench_peer.py ../shared/datasets/brain-mri/val --scans 300 --runs 3

Both classify the same scans (--scans files spread evenly over the folder in path order,
through a temporary folder of symbolic links) as whole processes, alternated run by run (the order
flips every run), on one core (taskset -c 0) and on two (taskset -c 0,1). Each brainscan
variant (--variant NAME='JVM FLAGS', default: the launcher as it is) is one more contender.
Prints medians of the wall times and ratios brainscan/peer (below 1: brainscan is faster),
and the per-scan medians each reports: the peer's own timer, brainscan's timingsMs (sum of
"total"), whole run, first 5 scans and second half.
"""
import argparse
import json
import os
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


def med(v):
    return statistics.median(v) if v else float("nan")


def run(cmd, env, cores):
    full = ["taskset", "-c", cores] + cmd
    t0 = time.perf_counter()
    p = subprocess.run(full, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wall = (time.perf_counter() - t0) * 1000
    if p.returncode not in (0, 1):
        sys.exit("failed (%d): %s\n%s" % (p.returncode, " ".join(full), p.stderr[-2000:]))
    return wall, p.stdout, p.stderr


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


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folder")
    ap.add_argument("--scans", type=int, default=300)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--cores", default="0;0,1", help="taskset core lists, ;-separated (default: 0;0,1)")
    ap.add_argument("--variant", action="append", default=[], metavar="NAME=FLAGS",
                    help="a brainscan contender with these JVM flags (BRAINSCAN_JAVA_OPTS); repeatable")
    ap.add_argument("--python", default="/usr/bin/python3")
    ap.add_argument("--json", action="store_true", help="also print every figure as one JSON object")
    args = ap.parse_args()
    folder, n = subset(args.folder, args.scans)
    variants = [v.split("=", 1) for v in args.variant] or [["brainscan", None]]
    base = dict(os.environ, ORT_DISABLE_TELEMETRY="1", DJL_DISABLE_TELEMETRY="true")
    contenders = [("peer", [args.python, os.path.join(ROOT, "tools", "peer_classify.py"), folder], base, peer_figures)]
    for name, flags in variants:
        env = dict(base, BRAINSCAN_NO_BUILD="1")
        opts = "-Dbrainscan.startup.report=true" + (" " + flags if flags else "")
        env["BRAINSCAN_JAVA_OPTS"] = (env.get("BRAINSCAN_JAVA_OPTS", "") + " " + opts).strip()
        contenders.append((name, [os.path.join(ROOT, "brainscan"), "classify", folder], env, brainscan_figures))
    cores_list = args.cores.split(";")
    walls = {(c, name): [] for c in cores_list for name, *_ in contenders}
    figs = {(c, name): [] for c in cores_list for name, *_ in contenders}
    try:
        load = os.getloadavg()
        print("brainscan vs Python/OpenCV peer: %d scans from %s, %d runs each, alternated; load average %.1f %.1f %.1f, %d cores"
              % (n, args.folder, args.runs, load[0], load[1], load[2], os.cpu_count()), flush=True)
        for r in range(args.runs):
            for cores in cores_list:
                order = contenders if r % 2 == 0 else contenders[::-1]
                for name, cmd, env, parse in order:
                    wall, out, err = run(cmd, env, cores)
                    walls[(cores, name)].append(wall)
                    figs[(cores, name)].append(parse(out, err))
                    print("  run %d, cores %-4s %-22s %8.0f ms" % (r + 1, cores, name, wall), flush=True)
        # the labels must agree where both gave one (the peer's resize is not brainscan's: a few may differ)
        first = figs[(cores_list[0], "peer")][0]["results"]
        other = figs[(cores_list[0], contenders[1][0])][0]["results"]
        both = [(a.get("label"), b.get("label")) for a, b in zip(first, other) if a.get("label") and b.get("label")]
        agree = sum(1 for a, b in both if a == b)
        summary = {"scans": n, "runs": args.runs, "labelsAgree": [agree, len(both)], "rows": []}
        print()
        print("%-6s %-22s %10s %8s %12s %10s %12s" % ("cores", "contender", "wall ms", "ratio", "per scan ms",
                                                     "first 5", "second half"))
        for cores in cores_list:
            pw = med(walls[(cores, "peer")])
            pp = med([f["secondHalf"] for f in figs[(cores, "peer")]])
            for name, *_ in contenders:
                w = med(walls[(cores, name)])
                fs = figs[(cores, name)]
                row = {"cores": cores, "contender": name, "wallMs": round(w, 1), "ratio": round(w / pw, 3),
                       "perScanMs": round(med([f["perScan"] for f in fs]), 3),
                       "first5Ms": round(med([f["first5"] for f in fs]), 3),
                       "secondHalfMs": round(med([f["secondHalf"] for f in fs]), 3)}
                row["secondHalfRatio"] = round(row["secondHalfMs"] / pp, 3)
                if "startup" in fs[0]:
                    row["firstResultMs"] = med([f["startup"]["firstResultMs"] for f in fs])
                summary["rows"].append(row)
                print("%-6s %-22s %10.0f %7.2fx %12.2f %10.2f %7.2f (%.2fx)" % (
                    cores, name, w, row["ratio"], row["perScanMs"], row["first5Ms"], row["secondHalfMs"],
                    row["secondHalfRatio"]))
        print("\nratio = brainscan / peer, medians of %d alternated runs (<= 1.0: brainscan at least as fast);"
              " labels agree on %d of %d scans" % (args.runs, agree, len(both)))
        if args.json:
            print(json.dumps(summary))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
