#!/usr/bin/env python3
"""Stops and restarts PostgreSQL under traffic and checks how the service behaves.

Driven by scripts/pg_outage.sh, which owns the private PostgreSQL cluster and the service. This
file only speaks HTTP (standard library only) and calls back into the shell script to stop and
start the database. It checks, and exits 1 when any of it fails:

- while the database is away, every request is answered (no hang, no dropped connection) within
  MAX_FAIL_SECONDS, with 503, Retry-After and a problem+json body;
- after the database is back, the service answers writes again within MAX_RECOVERY_SECONDS,
  without being restarted;
- every write the service acknowledged (201) is there afterwards, with the title it was sent;
- nothing but 201 and 503 is ever answered.
"""

import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

BASE = os.environ["OUTAGE_BASE_URL"]
CODE = "91330100799655058B"
WRITERS = int(os.environ.get("OUTAGE_WRITERS", "4"))
BEFORE_SECONDS = float(os.environ.get("OUTAGE_BEFORE_SECONDS", "3"))
DOWN_SECONDS = float(os.environ.get("OUTAGE_DOWN_SECONDS", "8"))
AFTER_SECONDS = float(os.environ.get("OUTAGE_AFTER_SECONDS", "5"))
MAX_FAIL_SECONDS = float(os.environ.get("OUTAGE_MAX_FAIL_SECONDS", "7"))
MAX_RECOVERY_SECONDS = float(os.environ.get("OUTAGE_MAX_RECOVERY_SECONDS", "10"))
CONTROL = os.environ["OUTAGE_CONTROL"]  # the shell script, called as CONTROL stop|start


def call(method, path, token=None, body=None, timeout=30):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(BASE + path, data=data, method=method)
    if body is not None:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def sign_in(username, password):
    status, _, body = call("POST", "/api/v1/auth/token", body={"username": username, "password": password})
    assert status == 200, f"sign-in as {username}: {status} {body!r}"
    return json.loads(body)["access_token"]


def main():
    admin = sign_in("admin", os.environ["ECREDIT_ADMIN_PASSWORD"])
    status, _, body = call("POST", "/api/v1/enterprises", admin, {
        "code": CODE, "name": "杭州西湖茶电子商务有限公司", "legal_representative": "张三",
        "registered_capital": 5000000.0, "established_on": "2015-06-01", "region_code": "330106",
        "industry": "retail", "business_models": ["b2c"], "platforms": [], "status": "active",
    })
    assert status == 201, f"register enterprise: {status} {body!r}"

    lock = threading.Lock()
    acknowledged = {}  # id -> title
    failures = []  # 503 answers: (started, seconds, headers, body)
    unexpected = []
    stop = threading.Event()
    counter = [0]

    def writer(n):
        while not stop.is_set():
            with lock:
                counter[0] += 1
                title = f"outage probe {n}-{counter[0]}"
            started = time.monotonic()
            try:
                status, headers, body = call("POST", f"/api/v1/enterprises/{CODE}/sentiment", admin, {
                    "source_kind": "news", "source_name": "probe", "title": title,
                    "published_at": "2026-10-12T08:30:00Z", "polarity": 0.1,
                })
            except Exception as err:  # a dropped connection or a hang is a failure of the service
                with lock:
                    unexpected.append((time.monotonic(), f"{title}: {err!r}"))
                continue
            elapsed = time.monotonic() - started
            with lock:
                if status == 201:
                    acknowledged[json.loads(body)["id"]] = title
                elif status == 503:
                    failures.append((started, elapsed, headers, body))
                else:
                    unexpected.append((started, f"{title}: {status} {body[:200]!r}"))

    threads = [threading.Thread(target=writer, args=(n,), daemon=True) for n in range(WRITERS)]
    for t in threads:
        t.start()
    time.sleep(BEFORE_SECONDS)
    before = len(acknowledged)

    stopped_at = time.monotonic()
    subprocess.run([CONTROL, "stop"], check=True)
    time.sleep(DOWN_SECONDS)
    subprocess.run([CONTROL, "start"], check=True)
    started_at = time.monotonic()

    # Recovery: the first acknowledged write after the server is accepting connections again.
    recovered_at = None
    while time.monotonic() - started_at < MAX_RECOVERY_SECONDS + 5:
        status, _, _ = call("GET", "/ready")
        if status == 200:
            n = len(acknowledged)
            time.sleep(0.2)
            if len(acknowledged) > n:
                recovered_at = time.monotonic()
                break
        time.sleep(0.1)
    time.sleep(AFTER_SECONDS)
    stop.set()
    for t in threads:
        t.join(timeout=60)

    problems = []
    outage_failures = [f for f in failures if f[0] >= stopped_at - 1]
    slowest = max((f[1] for f in failures), default=0.0)
    for started, elapsed, headers, body in failures:
        lower = {k.lower(): v for k, v in headers.items()}
        if "retry-after" not in lower:
            problems.append("a 503 without Retry-After")
            break
        if not lower.get("content-type", "").startswith("application/problem+json"):
            problems.append(f"a 503 that is not problem+json: {lower.get('content-type')}")
            break
    if slowest > MAX_FAIL_SECONDS:
        problems.append(f"a failed request took {slowest:.2f} s (limit {MAX_FAIL_SECONDS} s)")
    if not outage_failures:
        problems.append("no request failed while the database was stopped: the outage was not observed")
    if recovered_at is None:
        problems.append(f"no write succeeded within {MAX_RECOVERY_SECONDS + 5:.0f} s after the database returned")
    elif recovered_at - started_at > MAX_RECOVERY_SECONDS:
        problems.append(f"recovery took {recovered_at - started_at:.1f} s (limit {MAX_RECOVERY_SECONDS} s)")
    for _, what in unexpected[:5]:
        problems.append(f"unexpected answer: {what}")

    # Nothing acknowledged is lost: every id reads back with its title.
    missing = 0
    for record_id, title in sorted(acknowledged.items()):
        status, _, body = call("GET", f"/api/v1/enterprises/{CODE}/sentiment/{record_id}", admin)
        if status != 200 or json.loads(body)["title"] != title:
            missing += 1
    if missing:
        problems.append(f"{missing} of {len(acknowledged)} acknowledged writes are missing")

    recovery = "never" if recovered_at is None else f"{recovered_at - started_at:.2f} s"
    print(f"writers: {WRITERS}; acknowledged before the stop: {before}; in all: {len(acknowledged)}; "
          f"503 answers: {len(failures)} (slowest {slowest:.3f} s); other failures: {len(unexpected)}")
    print(f"database down for {started_at - stopped_at:.1f} s; first acknowledged write after it "
          f"returned: {recovery}; acknowledged writes read back: {len(acknowledged) - missing}/{len(acknowledged)}")
    if problems:
        for p in problems:
            print("FAIL:", p)
        print(f"0 passed, {len(problems)} failed")
        return 1
    print("pg outage: 1 passed, 0 failed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
