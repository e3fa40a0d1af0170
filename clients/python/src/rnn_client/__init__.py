"""Python client of the RnnDistributed training API (rnn.v1.TrainingService, docs/api.md).

    import rnn_client
    with rnn_client.connect("localhost:5080", token="...") as client:
        job = client.submit("examples/seq-mnist-lstm.json")
        for event in job.watch():
            print(event)
        job.download("out/")
"""

from rnn_client.client import RUN_FILES, Client, Job, JobInfo, connect
from rnn_client.errors import (AuthenticationError, FieldViolation, IntegrityError, InvalidJobError, LimitExceededError,
                               LimitViolation, MissingResource, NotFoundError, RnnError, UnavailableError)
from rnn_client.events import CheckpointEvent, Event, EvaluationEvent, StateEvent, StepEvent
from rnn_client.safetensors import parameters_sha256, read_tensors

__all__ = [
    "RUN_FILES", "Client", "Job", "JobInfo", "connect",
    "AuthenticationError", "FieldViolation", "IntegrityError", "InvalidJobError", "LimitExceededError",
    "LimitViolation", "MissingResource", "NotFoundError", "RnnError", "UnavailableError",
    "CheckpointEvent", "Event", "EvaluationEvent", "StateEvent", "StepEvent",
    "parameters_sha256", "read_tensors",
]
