#!/usr/bin/env python3
"""Measures the inspection page and API of a running scorer (see tools/measure-inspect.sh).

Open-loop load: requests are sent on a fixed schedule (--rate per second, half GET /api/keys/{key}
of a random key, half GET /api/anomalies?limit=100) whatever the answers' latency, so a slow
answer cannot hide the ones queued behind it (no coordinated omission). Page load: the requests the
page makes before it shows the alarms and a key (index.html, then app.js and style.css at once,
then /api/anomalies?limit=200 and /api/keys?hex=...), timed end to end, every 2 s during the load.
Prints the figures; standard library only.
"""
import argparse, concurrent.futures, random, statistics, threading, time, urllib.error, urllib.request


def get(url, t=None):
    """Status and seconds from t (default: now) to the whole answer; status 0 for no answer within 10 s."""
    t = time.perf_counter() if t is None else t
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            r.read()
            status = r.status
    except urllib.error.HTTPError as e:
        e.read()
        status = e.code
    except OSError:
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
    a = ap.parse_args()
    keys = ["host-%04d" % i for i in range(a.keys)]
    lat, statuses, lock = [], {}, threading.Lock()
    pool = concurrent.futures.ThreadPoolExecutor(32)
    page_pool = concurrent.futures.ThreadPoolExecutor(4)

    def one(url, due):
        s, d = get(url, due)  # from the scheduled time: a request queued behind a slow one counts its wait
        with lock:
            lat.append(d)
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
    pool.shutdown(wait=True)
    took = time.perf_counter() - start
    time.sleep(1)
    ms = [x * 1000 for x in lat]
    print("api requests        %d in %.1f s (%.1f/s offered %.0f/s), statuses %s" % (len(ms), took, len(ms) / took, a.rate, dict(sorted(statuses.items()))))
    print("api latency ms      p50 %.1f  p90 %.1f  p99 %.1f  max %.1f" % (pct(ms, 50), pct(ms, 90), pct(ms, 99), max(ms)))
    pm = [x * 1000 for x in pages if x is not None]
    failed = sum(1 for x in pages if x is None)
    if pm:
        print("page load ms        n %d  median %.1f  p90 %.1f  max %.1f  (failed %d)" % (len(pm), statistics.median(pm), pct(pm, 90), max(pm), failed))
    else:
        print("page load           all %d failed" % failed)


if __name__ == "__main__":
    main()
