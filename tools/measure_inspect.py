#!/usr/bin/env python3
"""Measures the inspection page and API of a running scorer (see tools/measure-inspect.sh).

Open-loop load: requests are sent on a fixed schedule (--rate per second, half GET /api/keys/{key}
of a random key, half GET /api/anomalies?limit=100) whatever the answers' latency, so a slow
answer cannot hide the ones queued behind it (no coordinated omission). Page load: the requests the
page makes before it shows the alarms and a key (index.html, then app.js and style.css at once,
then /api/anomalies?limit=200 and /api/keys?hex=...), timed end to end, every 2 s during the load.
Prints the figures; standard library only.

Connections: by default each client thread keeps one HTTP/1.1 connection open and reuses it, as a
browser polling a dashboard does; --new-connections opens one per request (the figures before
2026-12-07). Control: every API request is paired with a GET /health/live on the same schedule, half
a period later, timed the same way: its tail is what the client, the operating system and the HTTP
server's dispatcher add on this machine whatever the handler does, so the API's own share shows.
"""
import argparse, concurrent.futures, http.client, random, statistics, threading, time, urllib.error, urllib.parse, urllib.request

_local = threading.local()
NEW_CONNECTIONS = False


def _fetch(url):
    """Status of GET url, reusing this thread's connection to the host unless NEW_CONNECTIONS."""
    if NEW_CONNECTIONS:
        try:
            with urllib.request.urlopen(url, timeout=10) as r:
                r.read()
                return r.status
        except urllib.error.HTTPError as e:
            e.read()
            return e.code
    u = urllib.parse.urlsplit(url)
    path = u.path + ("?" + u.query if u.query else "")
    for attempt in (0, 1):
        conn = getattr(_local, "conn", None)
        if conn is None:
            conn = _local.conn = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
        try:
            conn.request("GET", path)
            r = conn.getresponse()
            r.read()
            return r.status
        except (http.client.HTTPException, OSError):
            conn.close()
            _local.conn = None  # the server closed an idle connection: one retry on a new one
            if attempt:
                raise


def get(url, t=None):
    """Status and seconds from t (default: now) to the whole answer; status 0 for no answer within 10 s."""
    t = time.perf_counter() if t is None else t
    try:
        status = _fetch(url)
    except (http.client.HTTPException, OSError):
        status = 0
    return status, time.perf_counter() - t


def page_load(base, key_hex, pool):
    """Seconds until the page's requests are answered, or None when one failed."""
    t = time.perf_counter()
    answers = [get(base + "/")]
    answers += pool.map(get, [base + "/app.js", base + "/style.css"])
    answers += pool.map(get, [base + "/api/anomalies?limit=200", base + "/api/keys?hex=" + key_hex])
    ok = all(s == 200 for s, _ in answers)
    return time.perf_counter() - t if ok else None


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", required=True)
    ap.add_argument("--keys", type=int, default=1000)
    ap.add_argument("--rate", type=float, default=100)
    ap.add_argument("--seconds", type=int, default=60)
    ap.add_argument("--new-connections", action="store_true", help="a new connection per request")
    ap.add_argument("--no-control", action="store_true", help="no paired GET /health/live requests")
    a = ap.parse_args()
    global NEW_CONNECTIONS
    NEW_CONNECTIONS = a.new_connections
    keys = ["host-%04d" % i for i in range(a.keys)]
    lat, control, statuses, lock = [], [], {}, threading.Lock()
    pool = concurrent.futures.ThreadPoolExecutor(32)
    page_pool = concurrent.futures.ThreadPoolExecutor(4)

    def one(url, due, into=lat):
        s, d = get(url, due)  # from the scheduled time: a request queued behind a slow one counts its wait
        with lock:
            into.append(d)
            if into is lat:
                statuses[s] = statuses.get(s, 0) + 1

    rnd = random.Random(1)
    pages = []
    start = time.perf_counter()
    n = int(a.rate * a.seconds)
    next_page = start
    for i in range(n):
        due = start + i / a.rate
        while True:
            now = time.perf_counter()
            if now >= next_page:
                next_page += 2
                threading.Thread(target=lambda: pages.append(page_load(a.base, rnd.choice(keys).encode().hex(), page_pool))).start()
            if now >= due:
                break
            time.sleep(min(due - now, 0.002))
        url = a.base + ("/api/keys/" + rnd.choice(keys) if i % 2 == 0 else "/api/anomalies?limit=100")
        pool.submit(one, url, due)
        if not a.no_control:
            due += 0.5 / a.rate
            while time.perf_counter() < due:
                time.sleep(max(0.0, min(due - time.perf_counter(), 0.002)))
            pool.submit(one, a.base + "/health/live", due, control)
    pool.shutdown(wait=True)
    took = time.perf_counter() - start
    time.sleep(1)
    ms = [x * 1000 for x in lat]
    print("api requests        %d in %.1f s (%.1f/s offered %.0f/s), statuses %s" % (len(ms), took, len(ms) / took, a.rate, dict(sorted(statuses.items()))))
    print("api latency ms      p50 %.1f  p90 %.1f  p99 %.1f  max %.1f  (%s)" % (pct(ms, 50), pct(ms, 90), pct(ms, 99), max(ms),
          "a new connection per request" if a.new_connections else "kept-alive connections"))
    if control:
        cs = [x * 1000 for x in control]
        print("control ms          p50 %.1f  p90 %.1f  p99 %.1f  max %.1f  (GET /health/live, %d paired requests)" % (
              pct(cs, 50), pct(cs, 90), pct(cs, 99), max(cs), len(cs)))
    pm = [x * 1000 for x in pages if x is not None]
    failed = sum(1 for x in pages if x is None)
    if pm:
        print("page load ms        n %d  median %.1f  p90 %.1f  max %.1f  (failed %d)" % (len(pm), statistics.median(pm), pct(pm, 90), max(pm), failed))
    else:
        print("page load           all %d failed" % failed)


if __name__ == "__main__":
    main()
