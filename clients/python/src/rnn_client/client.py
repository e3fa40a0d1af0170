"""The typed client: connect(endpoint, token) → Client; Client.submit(job) → Job; Job.watch/wait/download/cancel."""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass
from typing import Any, Dict, Iterator, List, Mapping, Optional, Union

import grpc

from rnn_client import events as ev
from rnn_client._auth import BearerTokenInterceptor
from rnn_client._stubs import pb, pb_grpc
from rnn_client.errors import IntegrityError, RnnError, UnavailableError, from_rpc_error

#: The files DownloadCheckpoint serves.
RUN_FILES = ("model.safetensors", "manifest.json", "metrics.csv", "summary.json", "model.py")


@dataclass(frozen=True)
class JobInfo:
    """A snapshot of a job (GetJob / ListJobs)."""

    job_id: str
    name: str
    state: str
    step: int
    total_steps: int
    failure_reason: str
    rollbacks: int
    skipped_steps: int
    parameters_sha256: Optional[str]
    """Set once the job completed."""
    test_metrics: Dict[str, float]
    """Test-split metrics of the final parameters, once completed."""

    @property
    def finished(self) -> bool:
        return self.state in ev.FINAL_STATES

    @staticmethod
    def from_proto(job: "pb.Job") -> "JobInfo":
        summary = job.summary if job.HasField("summary") else None
        return JobInfo(job.job_id, job.name, ev.state_name(job.state), job.step, job.total_steps, job.failure_reason,
                       job.rollbacks, job.skipped_steps, summary.parameters_sha256 if summary else None,
                       dict(summary.test) if summary else {})


class Job:
    """A handle on one job of the caller's tenant."""

    def __init__(self, client: "Client", job_id: str):
        self._client = client
        self.id = job_id

    def __repr__(self) -> str:
        return f"Job({self.id!r})"

    def info(self) -> JobInfo:
        return self._client._call(self._client._stub.GetJob, pb.GetJobRequest(job_id=self.id), JobInfo.from_proto)

    def cancel(self) -> str:
        """Asks the job to stop after its current step; returns the state it was in when asked."""
        return self._client.cancel(self.id)

    def watch(self, from_sequence: int = 0, *, reconnects: int = 8) -> Iterator[ev.Event]:
        """Every event from `from_sequence` on, in order, until the job's final state event.

        A broken stream is reopened from the last sequence seen + 1, so no event is missed or repeated; after
        `reconnects` attempts in a row without an event the UnavailableError is raised.
        """
        next_sequence = from_sequence
        failures = 0
        while True:
            call = self._client._stub.WatchJob(pb.WatchJobRequest(job_id=self.id, from_sequence=next_sequence))
            try:
                for raw in call:
                    failures = 0
                    if raw.sequence < next_sequence:
                        continue
                    next_sequence = raw.sequence + 1
                    event = ev.from_proto(raw)
                    if event is None:
                        continue
                    yield event
                    if isinstance(event, ev.StateEvent) and event.final:
                        return
            except grpc.RpcError as e:
                error = from_rpc_error(e)
                if not isinstance(error, UnavailableError) or failures >= reconnects:
                    raise error from None
            finally:
                call.cancel()
            # The stream ended or broke before the final state: reconnect after the last event seen.
            failures += 1
            if failures > reconnects:
                raise UnavailableError(grpc.StatusCode.UNAVAILABLE,
                                       f"the watch of job {self.id} ended {failures} times before the job did")
            time.sleep(min(0.2 * 2 ** (failures - 1), 5.0))

    def wait(self, timeout: Optional[float] = None) -> JobInfo:
        """Blocks until the job has ended (by watching it); returns its final snapshot."""
        deadline = None if timeout is None else time.monotonic() + timeout
        for event in self.watch():
            if deadline is not None and time.monotonic() > deadline:
                raise TimeoutError(f"job {self.id} did not end within {timeout} s")
            if isinstance(event, ev.StateEvent) and event.final:
                break
        return self.info()

    def download(self, folder: str, files: Optional[List[str]] = None) -> Dict[str, str]:
        """Writes the job's run files into `folder` (all four when `files` is None), each checked against the SHA-256
        and size the server sent; returns file name → path. A file not written yet raises NotFoundError."""
        os.makedirs(folder, exist_ok=True)
        written = {}
        for name in files or RUN_FILES:
            path = os.path.join(folder, name)
            self._download_one(name, path)
            written[name] = path
        return written

    def _download_one(self, name: str, path: str) -> None:
        digest = hashlib.sha256()
        size = 0
        total = None
        expected = ""
        partial = path + ".part"
        try:
            with open(partial, "wb") as out:
                for chunk in self._client._stub.DownloadCheckpoint(pb.DownloadCheckpointRequest(job_id=self.id, file=name)):
                    if chunk.offset != size:
                        raise IntegrityError(grpc.StatusCode.DATA_LOSS, f"{name}: a chunk at offset {chunk.offset} after {size} bytes")
                    out.write(chunk.data)
                    digest.update(chunk.data)
                    size += len(chunk.data)
                    total = chunk.total_size
                    expected = chunk.sha256 or expected
        except grpc.RpcError as e:
            os.remove(partial)
            raise from_rpc_error(e) from None
        if total is not None and size != total:
            os.remove(partial)
            raise IntegrityError(grpc.StatusCode.DATA_LOSS, f"{name}: got {size} bytes of {total}")
        if expected != digest.hexdigest():
            os.remove(partial)
            raise IntegrityError(grpc.StatusCode.DATA_LOSS,
                                 f"{name}: SHA-256 {digest.hexdigest()} differs from the server's {expected or '(none sent)'}")
        os.replace(partial, path)


class Client:
    """One silo endpoint and token. Use as a context manager, or close()."""

    def __init__(self, channel: grpc.Channel):
        self._channel = channel
        self._stub = pb_grpc.TrainingServiceStub(channel)

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *_: Any) -> None:
        self.close()

    def close(self) -> None:
        self._channel.close()

    def submit(self, job: Union[Mapping[str, Any], str, os.PathLike]) -> Job:
        """Submits a job file (a dict, or the path of a JSON file); returns at once. Raises InvalidJobError with every
        problem as a field violation, or LimitExceededError."""
        if isinstance(job, Mapping):
            text = json.dumps(job)
        else:
            with open(job, encoding="utf-8") as f:
                text = f.read()
        return Job(self, self._call(self._stub.SubmitJob, pb.SubmitJobRequest(job_json=text), lambda r: r.job_id))

    def job(self, job_id: str) -> Job:
        return Job(self, job_id)

    def jobs(self) -> List[JobInfo]:
        """The tenant's jobs, oldest first."""
        return self._call(self._stub.ListJobs, pb.ListJobsRequest(), lambda r: [JobInfo.from_proto(j) for j in r.jobs])

    def cancel(self, job_id: str) -> str:
        return self._call(self._stub.CancelJob, pb.CancelJobRequest(job_id=job_id), lambda r: ev.state_name(r.state))

    def _call(self, method, request, convert):
        try:
            return convert(method(request))
        except grpc.RpcError as e:
            raise from_rpc_error(e) from None


def connect(endpoint: str, token: Optional[str] = None, *, root_certificates: Optional[bytes] = None) -> Client:
    """A client of the silo at `endpoint`: "host:port" or "http://host:port" (plain HTTP/2), or "https://host:port"
    (TLS; `root_certificates` PEM bytes to trust a self-signed certificate). `token` goes on every call."""
    secure = endpoint.startswith("https://")
    target = endpoint.split("://", 1)[-1].rstrip("/")
    channel = (grpc.secure_channel(target, grpc.ssl_channel_credentials(root_certificates)) if secure
               else grpc.insecure_channel(target))
    if token:
        channel = grpc.intercept_channel(channel, BearerTokenInterceptor(token))
    return Client(channel)


__all__ = ["Client", "Job", "JobInfo", "RUN_FILES", "connect", "RnnError"]
