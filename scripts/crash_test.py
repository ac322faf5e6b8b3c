"""Crash safety: SIGKILL the server in the middle of bulk imports and of rescoring runs.

Driven by scripts/crash_test.sh, which builds the binary, seeds the registry and sets:
  CRASH_BIN, CRASH_DATA_DIR, CRASH_DATABASE_URL (empty for SQLite), CRASH_ADMIN_PASSWORD,
  CRASH_ROUNDS, CRASH_SEED, CRASH_PORT.

Odd rounds import batches from three writers at once; even rounds start a rescoring run (the
registry does not change during it, so its chunks can be counted). Each round kills the server
with SIGKILL at a random moment, restarts it, and checks:
  - every batch the server acknowledged (201) is there in full;
  - no batch is there in part (the ones in flight at the kill: all of it or none);
  - a killed run is marked interrupted, and its scores come in whole chunks;
  - the database passes its integrity check (SQLite integrity_check and foreign_key_check;
    on both backends, the registry counts agree: one creating history row per enterprise, one
    current score per scored enterprise naming a stored score);
  - `ecredit audit verify` finds the audit chain intact.
Standard library only. Exit status 1 on the first failed check.
"""

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

BIN = os.environ["CRASH_BIN"]
DATA_DIR = os.environ["CRASH_DATA_DIR"]
DATABASE_URL = os.environ.get("CRASH_DATABASE_URL", "")
PASSWORD = os.environ["CRASH_ADMIN_PASSWORD"]
ROUNDS = int(os.environ.get("CRASH_ROUNDS", "10"))
PORT = int(os.environ["CRASH_PORT"])
BASE = f"http://127.0.0.1:{PORT}"
CHUNK = 2000  # engine::CHUNK: enterprises per stored chunk of a rescoring run
BATCH = 20
rng = random.Random(int(os.environ.get("CRASH_SEED", "20261202")))

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def credit_code(n):
    """A valid unified social credit code (GB 32100-2015 check character), unique for n."""
    body = "91" + "330106" + "".join(ALPHABET[(n // 31**i) % 31] for i in range(9))
    total = sum(ALPHABET.index(c) * w for c, w in zip(body, WEIGHTS))
    return body + ALPHABET[(31 - total % 31) % 31]


def db_args():
    args = ["--data-dir", DATA_DIR]
    if DATABASE_URL:
        args += ["--database-url", DATABASE_URL]
    return args


def call(method, path, token=None, body=None, timeout=30):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(BASE + path, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        return resp.status, resp.read()


class Server:
    def __init__(self):
        self.proc = None
        self.log = open(os.path.join(DATA_DIR, "..", "server.log"), "ab")

    def start(self):
        self.proc = subprocess.Popen(
            [BIN, *db_args(), "serve", "--bind", f"127.0.0.1:{PORT}", "--workers", "2"],
            stdout=self.log,
            stderr=self.log,
            env={**os.environ, "ECREDIT_ADMIN_PASSWORD": PASSWORD, "RUST_LOG": "warn"},
        )
        for _ in range(600):
            if self.proc.poll() is not None:
                fail("the server exited on start (see server.log)")
            try:
                if call("GET", "/ready", timeout=2)[0] == 200:
                    return
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            time.sleep(0.1)
        fail("the server did not become ready within 60 s")

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()


def fail(message):
    print(f"FAIL: {message}", flush=True)
    sys.exit(1)


def sign_in():
    status, body = call("POST", "/api/v1/auth/token", body={"username": "admin", "password": PASSWORD})
    return json.loads(body)["access_token"]


def batch(codes):
    return {
        "reason": "crash test",
        "enterprises": [
            {
                "enterprise": {
                    "code": code, "name": f"崩溃测试{code[-6:]}电子商务有限公司",
                    "legal_representative": "张三", "registered_capital": 1000000.0,
                    "established_on": "2020-01-01", "region_code": "330106", "industry": "retail",
                    "business_models": ["b2c"], "platforms": [], "status": "active",
                },
                "operating": [
                    {"period": "2026-08", "online_sales": 1000.0, "orders": 10},
                    {"period": "2026-09", "online_sales": 1100.0, "orders": 11},
                ],
            }
            for code in codes
        ],
    }


# --- what the database holds ------------------------------------------------------------------

def query(sql):
    """Rows of a query, as lists of strings."""
    if DATABASE_URL:
        out = subprocess.run(
            ["psql", DATABASE_URL, "-At", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-c", sql],
            check=True, capture_output=True, text=True,
        ).stdout
        return [line.split("\t") for line in out.splitlines() if line]
    with sqlite3.connect(os.path.join(DATA_DIR, "ecredit.db"), timeout=30) as conn:
        return [[str(v) for v in row] for row in conn.execute(sql).fetchall()]


def registered(codes):
    if not codes:
        return set()
    listed = ",".join(f"'{c}'" for c in codes)
    return {r[0] for r in query(f"SELECT code FROM enterprises WHERE code IN ({listed})")}


def check_integrity():
    if not DATABASE_URL:
        ok = query("PRAGMA integrity_check")
        if ok != [["ok"]]:
            fail(f"SQLite integrity_check: {ok[:5]}")
        broken = query("PRAGMA foreign_key_check")
        if broken:
            fail(f"SQLite foreign_key_check: {broken[:5]}")
    counts = query(
        "SELECT (SELECT COUNT(*) FROM enterprises), "
        "(SELECT COUNT(DISTINCT entity_id) FROM change_history "
        " WHERE entity = 'enterprise' AND action IN ('create', 'import')), "
        "(SELECT COUNT(*) FROM operating_records o WHERE NOT EXISTS "
        " (SELECT 1 FROM enterprises e WHERE e.code = o.enterprise_code)), "
        "(SELECT COUNT(*) FROM current_scores c WHERE NOT EXISTS (SELECT 1 FROM scores s "
        " WHERE s.id = c.score_id AND s.enterprise_code = c.enterprise_code AND s.grade = c.grade))"
    )[0]
    enterprises, created, orphans, stray = map(int, counts)
    if enterprises != created:
        fail(f"{enterprises} enterprises but {created} with a creating history row")
    if orphans or stray:
        fail(f"{orphans} orphaned operating records, {stray} current scores without their score")
    return enterprises


def check_audit_chain():
    out = subprocess.run([BIN, *db_args(), "audit", "verify"], capture_output=True, text=True)
    if out.returncode != 0:
        fail(f"audit verify: {out.stdout.strip()} {out.stderr.strip()[-300:]}")
    return out.stdout.strip()


# --- rounds ---------------------------------------------------------------------------------

next_code = [rng.randrange(10**6, 10**9)]
code_lock = threading.Lock()


def fresh_codes(n):
    with code_lock:
        start = next_code[0]
        next_code[0] += n
    return [credit_code(i) for i in range(start, start + n)]


def import_round(server, token, kill_after):
    acknowledged, in_flight, refused = [], [], []
    lock = threading.Lock()
    stop = threading.Event()

    def writer():
        while not stop.is_set():
            codes = fresh_codes(BATCH)
            with lock:
                in_flight.append(codes)
            try:
                status, _ = call("POST", "/api/v1/imports", token, batch(codes))
            except urllib.error.HTTPError as err:
                with lock:
                    in_flight.remove(codes)
                    refused.append(err.code)
                continue
            except (urllib.error.URLError, ConnectionError, OSError):
                return  # the server is gone: this batch stays "in flight"
            with lock:
                in_flight.remove(codes)
                acknowledged.append(codes)

    threads = [threading.Thread(target=writer) for _ in range(3)]
    for t in threads:
        t.start()
    time.sleep(kill_after)
    server.kill()
    stop.set()
    for t in threads:
        t.join()
    if refused:
        fail(f"batches refused while the server was up: {sorted(set(refused))}")
    return acknowledged, in_flight


def run_round(server, token, kill_after):
    total = int(query("SELECT COUNT(*) FROM enterprises")[0][0])
    status, body = call("POST", "/api/v1/scores/runs", token)
    if status != 202:
        fail(f"starting a run: {status}")
    run = json.loads(body)
    time.sleep(kill_after)
    server.kill()
    return run["id"], run["started_at"], total


def check_run(token, run_id, total):
    status, body = call("GET", f"/api/v1/scores/runs/{run_id}", token)
    run = json.loads(body)
    if run["status"] not in ("interrupted", "completed"):
        fail(f"run {run_id} is {run['status']} after the restart")
    stored = int(query(f"SELECT COUNT(*) FROM scores WHERE scored_by = 'run {run_id}'")[0][0])
    whole = {0, total % CHUNK}
    if run["status"] == "completed" and stored != total:
        fail(f"run {run_id} completed with {stored} of {total} scores")
    if stored % CHUNK not in whole:
        fail(f"run {run_id} stored {stored} scores: not whole chunks of {CHUNK} (of {total})")
    return run["status"], stored


def main():
    server = Server()
    server.start()
    acked_total = 0
    # One sign-in for the whole test: a token outlives a restart (the secret is in the data dir),
    # and the sign-in throttle's counts are in the database, so signing in after every restart
    # would spend the account's allowance (five, then one a minute).
    token = sign_in()
    for r in range(1, ROUNDS + 1):
        if r % 2:
            kill_after = rng.uniform(0.2, 2.5)
            acknowledged, in_flight = import_round(server, token, kill_after)
            server.start()
            for codes in acknowledged:
                missing = set(codes) - registered(codes)
                if missing:
                    fail(f"an acknowledged batch lost {len(missing)} of {len(codes)} enterprises")
            half = [c for c in in_flight if 0 < len(registered(c)) < len(c)]
            if half:
                fail(f"{len(half)} batches are in the registry in part")
            acked_total += len(acknowledged)
            what = f"import: {len(acknowledged)} batches acknowledged, {len(in_flight)} in flight"
        else:
            # A run takes seconds: kill it anywhere from its start to past its first chunks.
            kill_after = rng.uniform(0.5, float(os.environ.get("CRASH_RUN_KILL_MAX", "8")))
            run_id, _, total = run_round(server, token, kill_after)
            server.start()
            status, stored = check_run(token, run_id, total)
            what = f"run {run_id}: {status}, {stored}/{total} scores stored"
        enterprises = check_integrity()
        chain = check_audit_chain()
        print(f"round {r}: killed after {kill_after:.2f} s; {what}; {enterprises} enterprises; {chain}",
              flush=True)
    server.kill()
    if acked_total == 0:
        fail("no batch was acknowledged in any round: the test proved nothing")
    print(f"crash test: {ROUNDS} kills survived, {acked_total} acknowledged batches all present", flush=True)


if __name__ == "__main__":
    main()
