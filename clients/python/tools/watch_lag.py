"""Measures WatchJob's lag: from the silo finishing step s (StepMetrics.completed_at) to this watcher receiving it.

    python3 clients/python/tools/watch_lag.py --endpoint 127.0.0.1:5080 --token TOKEN examples/seq-mnist-lstm.json

Submits the job file, watches it to the end and prints p50, p99 and the maximum over the steps that arrived live (steps
read back from the run folder carry no completed_at and are counted apart). Silo and watcher must share a clock: run
both on one machine (loopback).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from datetime import datetime, timezone

import rnn_client
from rnn_client import StepEvent


def percentile(sorted_values, q):
    """Nearest-rank percentile of an ascending list."""
    return sorted_values[max(0, math.ceil(q / 100 * len(sorted_values)) - 1)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("job", help="job file (JSON); data.path resolves against the silo's working directory")
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--name", help="job name to submit under (default: the file's, with -lag appended)")
    parser.add_argument("--csv", help="also write step,lag_ms per live step to this file")
    args = parser.parse_args()
    with open(args.job, encoding="utf-8") as f:
        job = json.load(f)
    job["name"] = args.name or job["name"] + "-lag"
    lags_ms = []
    by_step = []
    replayed = 0
    with rnn_client.connect(args.endpoint, args.token) as client:
        handle = client.submit(job)
        for event in handle.watch():
            if isinstance(event, StepEvent):
                if event.completed_at is None:
                    replayed += 1
                else:
                    lags_ms.append((datetime.now(timezone.utc) - event.completed_at).total_seconds() * 1000)
                    by_step.append((event.step, lags_ms[-1]))
        info = handle.info()
    if not lags_ms:
        print(f"watch-lag: no live steps (job {info.state}, {replayed} replayed)", file=sys.stderr)
        return 1
    if args.csv:
        with open(args.csv, "w", encoding="utf-8") as f:
            f.write("step,lag_ms\n" + "".join(f"{step},{lag:.3f}\n" for step, lag in by_step))
    lags_ms.sort()
    print(f"watch-lag: job {handle.id} {info.state} after {info.step} steps; {len(lags_ms)} live steps, {replayed} "
          f"filled from the run folder; lag p50 {percentile(lags_ms, 50):.1f} ms, p99 {percentile(lags_ms, 99):.1f} ms, "
          f"max {lags_ms[-1]:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
