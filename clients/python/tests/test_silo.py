"""End-to-end test of rnn_client against a real silo (scripts/python-client-test.sh starts one).

Env: RNN_ENDPOINT (host:port), RNN_TOKEN, RNN_DATA (the repository's data/mnist), RNN_MAX_SHARDS (the silo's
Api:Limits:MaxShards). Prints one line per check and "N passed, N failed" last; exits non-zero on any failure.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
import traceback

import rnn_client
from rnn_client import (AuthenticationError, CheckpointEvent, EvaluationEvent, InvalidJobError, NotFoundError,
                        StateEvent, StepEvent)
from rnn_client._stubs import pb

ENDPOINT = os.environ["RNN_ENDPOINT"]
TOKEN = os.environ["RNN_TOKEN"]
DATA = os.environ["RNN_DATA"]
MAX_SHARDS = int(os.environ.get("RNN_MAX_SHARDS", "64"))


def tiny_job(name: str, steps: int, **training) -> dict:
    """Sequential MNIST rows, 256 samples, LSTM 16: a few milliseconds a step."""
    return {
        "name": name, "seed": 5,
        "data": {"kind": "mnist-rows", "path": DATA, "limit": 256},
        "model": {"layers": [{"type": "lstm", "units": 16}, {"type": "dense", "units": 10, "activation": "softmax"}]},
        "loss": "sparse_categorical_crossentropy", "metrics": ["accuracy"],
        "optimizer": {"type": "adam", "lr": 0.01},
        "training": {"steps": steps, "batch_size": 32, "shards": 2, "checkpoint_every": 4, **training},
        "backend": "cpu",
    }


def check(condition: bool, what: str) -> None:
    if not condition:
        raise AssertionError(what)


def test_a_job_runs_to_completion_and_its_files_check_out(client: rnn_client.Client) -> None:
    job = client.submit(tiny_job("py-complete", 10))
    events = list(job.watch())
    sequences = [e.sequence for e in events]
    check(sequences == sorted(set(sequences)), f"sequences strictly increase: {sequences}")
    check(isinstance(events[0], StateEvent) and events[0].state == "queued" and events[0].sequence == 0, f"first {events[0]}")
    check(isinstance(events[1], StateEvent) and events[1].state == "running", f"second {events[1]}")
    steps = [e.step for e in events if isinstance(e, StepEvent)]
    check(steps == list(range(10)), f"steps {steps}")
    check(all(e.sequence == 8 * (e.step + 1) for e in events if isinstance(e, StepEvent)), "step s has sequence 8(s+1)")
    checkpoints = [e.step for e in events if isinstance(e, CheckpointEvent)]
    check(checkpoints == [4, 8, 10], f"checkpoints {checkpoints}")
    evaluations = [e.step for e in events if isinstance(e, EvaluationEvent)]
    check(evaluations == [8, 10], f"evaluations after an epoch (8 steps) and at the end: {evaluations}")
    check(isinstance(events[-1], StateEvent) and events[-1].state == "completed" and events[-1].step == 10, f"last {events[-1]}")

    info = job.wait()
    check(info.state == "completed" and info.step == 10 and info.name == "py-complete", f"info {info}")
    check(any(j.job_id == job.id for j in client.jobs()), "jobs() lists the job")

    # Replay from a sequence number: exactly the events from there, the evaluation after step 8 read back from the run
    # folder's evaluations.jsonl.
    replay = list(job.watch(from_sequence=8 * 5 + 1))
    check([e.sequence for e in replay] == [e.sequence for e in events if e.sequence >= 41], "replay from sequence 41")

    with tempfile.TemporaryDirectory() as folder:
        files = job.download(folder)  # checks each file's SHA-256 and size against the server's
        check(sorted(files) == sorted(rnn_client.RUN_FILES), f"files {sorted(files)}")
        # The checksum the server sends is the file's: asked again through the raw stub.
        for name, path in files.items():
            with open(path, "rb") as f:
                local = hashlib.sha256(f.read()).hexdigest()
            chunks = list(client._stub.DownloadCheckpoint(pb.DownloadCheckpointRequest(job_id=job.id, file=name)))
            check(chunks[-1].sha256 == local and all(c.sha256 == "" for c in chunks[:-1]), f"{name}: sha256 {local}")
        recomputed = rnn_client.parameters_sha256(files["model.safetensors"])
        _, metadata = rnn_client.read_tensors(files["model.safetensors"])
        with open(files["summary.json"], encoding="utf-8") as f:
            summary = json.load(f)
        check(recomputed == info.parameters_sha256, f"parameters hash {recomputed} vs the job's {info.parameters_sha256}")
        check(metadata.get("parameters_sha256") == recomputed, "the model file's metadata carries the same hash")
        check(recomputed in json.dumps(summary), "summary.json carries the same hash")


def test_cancel_stops_a_running_job(client: rnn_client.Client) -> None:
    job = client.submit(tiny_job("py-cancel", 100000))
    asked = False
    for event in job.watch():
        if isinstance(event, StepEvent) and event.step >= 2 and not asked:
            check(job.cancel() == "running", "cancel answers the state when asked")
            asked = True
        if isinstance(event, StateEvent) and event.final:
            check(event.state == "cancelled", f"final state {event}")
    info = job.info()
    check(info.state == "cancelled" and 3 <= info.step < 100000, f"info {info}")
    try:
        job.download(tempfile.gettempdir(), ["summary.json"])
        check(False, "summary.json of a cancelled job is not found")
    except NotFoundError as e:
        check(e.missing is not None and e.missing.type == "rnn.v1.RunFile" and e.missing.name == f"{job.id}/summary.json",
              f"missing {e.missing}")


def test_a_bad_job_lists_every_problem_by_field(client: rnn_client.Client) -> None:
    bad = tiny_job("py-bad", 3, batch_size=33)
    bad["model"]["layers"][0]["type"] = "lstmm"
    try:
        client.submit(bad)
        check(False, "a bad job is refused")
    except InvalidJobError as e:
        fields = {v.field for v in e.field_violations}
        check({"model.layers[0].type", "training.batch_size"} <= fields, f"fields {fields}")
        check(e.message.split("\n") == [f"{v.field}: {v.description}" for v in e.field_violations], e.message)


def test_a_job_over_a_limit_names_the_limit_and_its_value(client: rnn_client.Client) -> None:
    try:
        client.submit(tiny_job("py-over", 3, shards=MAX_SHARDS * 2, batch_size=MAX_SHARDS * 2))
        check(False, "a job over MaxShards is refused")
    except InvalidJobError as e:
        check([v.field for v in e.field_violations] == ["training.shards"], f"fields {e.field_violations}")
        (limit,) = e.limit_violations
        check((limit.subject, limit.limit, limit.value) == ("training.shards", "Api:Limits:MaxShards", MAX_SHARDS), f"{limit}")


def test_unknown_job_and_unknown_token(client: rnn_client.Client) -> None:
    try:
        client.job("0" * 32).info()
        check(False, "an unknown job is not found")
    except NotFoundError as e:
        check(e.missing is not None and (e.missing.type, e.missing.name) == ("rnn.v1.Job", "0" * 32), f"{e.missing}")
    with rnn_client.connect(ENDPOINT, token="not-a-token") as stranger:
        try:
            stranger.jobs()
            check(False, "an unknown token is refused")
        except AuthenticationError:
            pass


def main() -> int:
    tests = [v for k, v in sorted(globals().items()) if k.startswith("test_")]
    passed = failed = 0
    with rnn_client.connect(ENDPOINT, token=TOKEN) as client:
        for test in tests:
            try:
                test(client)
                passed += 1
                print(f"PASS {test.__name__}", flush=True)
            except Exception:  # noqa: BLE001 - every failure is reported, then counted
                failed += 1
                print(f"FAIL {test.__name__}", flush=True)
                traceback.print_exc()
    print(f"python-client: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
