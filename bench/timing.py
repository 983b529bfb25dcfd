"""Timing helpers shared by every benchmark module: medians of the app and raw SQL side by side, and
the one-line result format the README quotes."""

import statistics
import sys
import time

WARMUP = 2


def log(message):
    print(message, file=sys.stderr, flush=True)


def _ms(fn):
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def median_pair(app_fn, raw_fn, repeat):
    """Median wall times (ms) of the app and of raw SQL, after a warm-up that fills caches. The two
    run alternately, so a busy moment of the machine falls on both alike."""
    for _ in range(WARMUP):
        app_fn()
        raw_fn()
    app_times, raw_times = [], []
    for _ in range(repeat):
        app_times.append(_ms(app_fn))
        raw_times.append(_ms(raw_fn))
    return statistics.median(app_times), statistics.median(raw_times)


def format_line(name, app_ms, raw_ms, labels=("app", "raw")):
    ratio = app_ms / raw_ms if raw_ms else float("inf")
    return f"{name} ratio {ratio:.2f} ({labels[0]} {app_ms:.1f} ms, {labels[1]} {raw_ms:.1f} ms)"
