#!/usr/bin/env python3
"""Issue 27 (Hardening III), re-measured row by row: CPU and peak RSS of a fresh process at
-Xmx512m under /usr/bin/time -v, and serve under concurrent bombs and uploads.

  python3 tools/measure_hardening.py JAR CORPUS_DIR [rows...]

JAR is function/target/brainscan.jar; CORPUS_DIR holds BudgetCorpus' files (written by
`java -cp function/target/classes:function/target/test-classes:<test classpath>
dev.brainscan.testing.BudgetCorpus DIR`). Rows: files (the CLI, one fresh process per file),
serve-bombs (4 bombs at once plus /health and normal scans), serve-4mb (120 concurrent 4 MB
posts), serve-zip (the zip rows through the upload flow), serve-uploads (150 concurrent
19 MB uploads). Prints one line per measurement with the command it ran.
"""
import concurrent.futures
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

JAVA = os.environ.get("JAVA", "/usr/lib/jvm/temurin-25-jdk-amd64/bin/java")
ENV = dict(os.environ, OPT_OUT_TRACKING="true", ORT_DISABLE_TELEMETRY="1")


def timed(cmd):
    """Runs cmd under /usr/bin/time -v: (cpu seconds, max RSS MB, wall s, stdout)."""
    p = subprocess.run(["/usr/bin/time", "-v"] + cmd, capture_output=True, text=True, env=ENV)
    err = p.stderr
    user = float(re.search(r"User time \(seconds\): ([\d.]+)", err).group(1))
    system = float(re.search(r"System time \(seconds\): ([\d.]+)", err).group(1))
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", err).group(1)) / 1024
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)", err).group(1)
    parts = [float(x) for x in wall.split(":")]
    wall_s = sum(v * 60 ** (len(parts) - 1 - i) for i, v in enumerate(parts))
    return user + system, rss, wall_s, p.stdout


def codes(stdout):
    out = {}
    for line in stdout.splitlines():
        try:
            r = json.loads(line)
        except ValueError:
            continue
        code = r.get("error", {}).get("code") if r.get("error") else r.get("label")
        out[code] = out.get(code, 0) + 1
    return out


def files(jar, corpus):
    cmd0 = [JAVA, "-Xmx512m", "-jar", jar, "classify", "--threads", "1"]
    base_cpu, base_rss, _, _ = timed(cmd0 + [os.path.join(corpus, "normal-phantom.jpg")])
    print(f"baseline (model load + one normal scan): {base_cpu:.2f} s CPU, {base_rss:.0f} MB RSS")
    for name in sorted(os.listdir(corpus)):
        if name.endswith(".zip") or name.startswith("normal"):
            continue
        path = os.path.join(corpus, name)
        cpu, rss, wall, out = timed(cmd0 + [path])
        print(f"{name} ({os.path.getsize(path):,} B): {codes(out)}; {cpu:.2f} s CPU "
              f"({cpu - base_cpu:+.2f} over baseline), {rss:.0f} MB RSS, {wall:.1f} s wall"
              f"   [/usr/bin/time -v {' '.join(cmd0)} {path}]")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Serve:
    def __init__(self, jar, threads=None):
        self.port = free_port()
        self.store = tempfile.mkdtemp(prefix="serve-h3-")
        cp = os.environ.get("CP_PREFIX")  # classes to put before the jar's (a patched build, say)
        launch = ["-cp", cp + ":" + jar, "dev.brainscan.cli.Main"] if cp else ["-jar", jar]
        cmd = [JAVA, "-Xmx512m"] + launch + ["serve", "--port", str(self.port), "--store", self.store]
        if threads:
            cmd += ["--threads", str(threads)]
        self.cmd = cmd
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=ENV)
        self.lines = []
        import threading
        threading.Thread(target=lambda: self.lines.extend(self.proc.stdout), daemon=True).start()
        self.base = f"http://127.0.0.1:{self.port}"
        for _ in range(600):
            try:
                if self.get("/health")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError("serve did not start")

    def request(self, method, path, body=None, headers=None, timeout=120):
        req = urllib.request.Request(self.base + path if path.startswith("/") else path, data=body,
                                     method=method, headers=headers or {})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()

    def get(self, path):
        return self.request("GET", path)

    def stop(self):
        # peak RSS of the serve process (VmHWM), read before it ends
        status = open(f"/proc/{self.proc.pid}/status").read()
        rss = int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024
        self.proc.terminate()
        self.proc.wait(timeout=60)
        text = "".join(self.lines)
        return rss, text.count("OutOfMemoryError"), text.count("internal-error")


def serve_bombs(jar, corpus):
    bomb = open(os.path.join(corpus, "r1-dicom-1000-colour-jpeg-frames-sof-6320.dcm"), "rb").read()
    normal = open(os.path.join(corpus, "normal-phantom.jpg"), "rb").read()
    s = Serve(jar)
    for _ in range(3):
        s.request("POST", "/classify", normal)
        s.request("POST", "/classify", bomb)
    health, scans, statuses = [], [], {}
    stop = time.time() + 5
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        def bombs():
            while time.time() < stop:
                t = time.time()
                fs = [pool.submit(s.request, "POST", "/classify", bomb) for _ in range(4)]
                for f in fs:
                    st = f.result()[0]
                    statuses[st] = statuses.get(st, 0) + 1
                time.sleep(max(0, 0.25 - (time.time() - t)))

        def poll():
            while time.time() < stop:
                t = time.time()
                s.get("/health")
                health.append((time.time() - t) * 1000)
                time.sleep(0.02)

        def scan():
            while time.time() < stop:
                t = time.time()
                st = s.request("POST", "/classify", normal)[0]
                scans.append(((time.time() - t) * 1000, st))

        fs = [pool.submit(bombs), pool.submit(poll), pool.submit(scan)]
        for f in fs:
            f.result()
    rss, ooms, internal = s.stop()
    health.sort()
    print(f"serve, 4 bombs at once every 250 ms for 5 s + /health every 20 ms + normal scans: bomb statuses "
          f"{statuses}; /health median {health[len(health) // 2]:.1f} ms, 95th {health[int(len(health) * .95)]:.1f} ms, "
          f"max {health[-1]:.1f} ms ({len(health)}); normal scans max {max(t for t, _ in scans):.0f} ms, "
          f"statuses {sorted(set(st for _, st in scans))} ({len(scans)}); serve peak RSS {rss:.0f} MB, "
          f"OutOfMemoryError {ooms}   [{' '.join(s.cmd)}]")


def serve_4mb(jar, corpus):
    s = Serve(jar)
    body = os.urandom(4_000_000)
    body = b"\xff\xd8\xff" + body[3:]
    statuses = {}
    health = []
    with concurrent.futures.ThreadPoolExecutor(128) as pool:
        fs = [pool.submit(s.request, "POST", "/classify", body, {"Content-Type": "image/jpeg"}) for _ in range(120)]
        for _ in range(20):
            t = time.time()
            s.get("/health")
            health.append((time.time() - t) * 1000)
            time.sleep(0.05)
        for f in fs:
            try:
                st = f.result()[0]
            except OSError as e:
                st = type(e).__name__
            statuses[st] = statuses.get(st, 0) + 1
    rss, ooms, internal = s.stop()
    print(f"serve, 120 concurrent 4 MB POST /classify: statuses {statuses}; /health max {max(health):.0f} ms; "
          f"OutOfMemoryError lines {ooms}, internal-error lines {internal}; peak RSS {rss:.0f} MB   [{' '.join(s.cmd)}]")


def upload(s, body, content_type):
    st, ticket = s.request("POST", "/uploads", json.dumps({"contentType": content_type}).encode(),
                           {"Content-Type": "application/json"})
    t = json.loads(ticket)
    st, _ = s.request("PUT", t["uploadUrl"], body, t["headers"])
    return st, t["resultPath"]


def wait_result(s, path, seconds=600):
    end = time.time() + seconds
    while time.time() < end:
        st, body = s.get(path)
        if st != 404:
            return st, body
        time.sleep(0.5)
    return 404, b""


def serve_zip(jar, corpus):
    for name in ["r5-zip-1000-entries-x-1000-rle-frames.zip", "r6-zip-3-entries-x-1000-rle-frames.zip"]:
        s = Serve(jar)
        t = time.time()
        st, path = upload(s, open(os.path.join(corpus, name), "rb").read(), "application/zip")
        rst, body = wait_result(s, path)
        took = time.time() - t
        rss, ooms, internal = s.stop()
        r = json.loads(body) if rst == 200 else {}
        print(f"{name} through the upload flow: PUT {st}, GET /results {rst} ({len(body):,} B) after {took:.1f} s; "
              f"series {r.get('series', {}).get('slices')} slices, {len(r.get('slices', []))} embedded, "
              f"omitted {r.get('series', {}).get('slicesOmitted')}; serve peak RSS {rss:.0f} MB, "
              f"OutOfMemoryError {ooms}   [{' '.join(s.cmd)}]")


def serve_uploads(jar, corpus):
    s = Serve(jar)
    normal = open(os.path.join(corpus, "normal-phantom.jpg"), "rb").read()
    body = normal + os.urandom(19_000_000 - len(normal))  # a JPEG with 19 MB of trailing bytes
    statuses = {}
    paths = []
    with concurrent.futures.ThreadPoolExecutor(150) as pool:
        fs = [pool.submit(upload, s, body, "image/jpeg") for _ in range(150)]
        for f in fs:
            try:
                st, path = f.result()
                if st == 200:
                    paths.append(path)
            except OSError as e:
                st = type(e).__name__
            statuses[st] = statuses.get(st, 0) + 1
    results = {}
    for p in paths:
        rst, b = wait_result(s, p)
        code = json.loads(b).get("error", {}).get("code", "classified") if rst == 200 else rst
        results[code] = results.get(code, 0) + 1
    rss, ooms, internal = s.stop()
    print(f"serve, 150 concurrent 19 MB uploads: PUT statuses {statuses}; results of the stored ones {results}; "
          f"OutOfMemoryError lines {ooms}; peak RSS {rss:.0f} MB   [{' '.join(s.cmd)}]")


if __name__ == "__main__":
    jar, corpus = sys.argv[1], sys.argv[2]
    rows = sys.argv[3:] or ["files", "serve-bombs", "serve-4mb", "serve-zip", "serve-uploads"]
    for row in rows:
        {"files": files, "serve-bombs": serve_bombs, "serve-4mb": serve_4mb, "serve-zip": serve_zip,
         "serve-uploads": serve_uploads}[row](jar, corpus)
