"""WatchJob's events as plain typed objects (JobEvent oneof → one dataclass per kind)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Dict, Optional, Union

from rnn_client._stubs import pb

FINAL_STATES = frozenset({"completed", "failed", "cancelled"})


def state_name(state: int) -> str:
    """JOB_STATE_RUNNING → "running"."""
    return pb.JobState.Name(state).removeprefix("JOB_STATE_").lower()


@dataclass(frozen=True)
class StepEvent:
    """A training step finished (step is zero-based)."""

    sequence: int
    step: int
    epoch: int
    loss: float
    accuracy: Optional[float]
    grad_norm: float
    learning_rate: float
    samples_per_second: float
    seconds: float
    skipped: bool
    completed_at: Optional[datetime]
    """When the silo finished the step (UTC); None for steps replayed from the run folder."""


@dataclass(frozen=True)
class EvaluationEvent:
    """Test-split metrics after `step` steps."""

    sequence: int
    step: int
    epoch: int
    metrics: Dict[str, float]


@dataclass(frozen=True)
class CheckpointEvent:
    """A checkpoint was written after `step` steps."""

    sequence: int
    step: int


@dataclass(frozen=True)
class StateEvent:
    """The job's state changed: "queued", "running", "completed", "failed" or "cancelled"."""

    sequence: int
    state: str
    step: int
    failure_reason: str

    @property
    def final(self) -> bool:
        return self.state in FINAL_STATES


Event = Union[StepEvent, EvaluationEvent, CheckpointEvent, StateEvent]


def from_proto(event: "pb.JobEvent") -> Optional[Event]:
    """The event as a dataclass; None for a kind this client does not know (a newer server's)."""
    kind = event.WhichOneof("event")
    seq = event.sequence
    if kind == "step":
        m = event.step
        completed = m.completed_at.ToDatetime().replace(tzinfo=timezone.utc) if m.HasField("completed_at") else None
        return StepEvent(seq, m.step, m.epoch, m.loss, m.accuracy if m.HasField("accuracy") else None, m.grad_norm,
                         m.learning_rate, m.samples_per_second, m.seconds, m.skipped, completed)
    if kind == "evaluation":
        e = event.evaluation
        return EvaluationEvent(seq, e.step, e.epoch, dict(e.metrics))
    if kind == "checkpoint":
        return CheckpointEvent(seq, event.checkpoint.step)
    if kind == "state":
        s = event.state
        return StateEvent(seq, state_name(s.state), s.step, s.failure_reason)
    return None
