"""Exceptions raised by the client, carrying the server's google.rpc error details."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import List, Optional

import grpc

from rnn_client._stubs import error_details_pb2, status_pb2

_DETAILS_KEY = "grpc-status-details-bin"


@dataclass(frozen=True)
class FieldViolation:
    """One problem with a job file or request field (google.rpc.BadRequest.FieldViolation)."""

    field: str
    description: str


@dataclass(frozen=True)
class LimitViolation:
    """A silo limit the request went over (google.rpc.QuotaFailure.Violation)."""

    subject: str
    """What went over: a job-file field path, "job_json", or "tenant:NAME"."""
    limit: str
    """The limit's config key, e.g. "Api:Limits:MaxShards"."""
    value: int
    """The limit's value on this silo."""
    description: str


@dataclass(frozen=True)
class MissingResource:
    """What was not found (google.rpc.ResourceInfo): type "rnn.v1.Job" (name: job id) or "rnn.v1.RunFile" (JOB_ID/FILE)."""

    type: str
    name: str
    description: str


class RnnError(Exception):
    """A call failed. `code` is the gRPC status, `message` the server's human text (one line per problem)."""

    def __init__(self, code: grpc.StatusCode, message: str, *,
                 field_violations: Optional[List[FieldViolation]] = None,
                 limit_violations: Optional[List[LimitViolation]] = None,
                 missing: Optional[MissingResource] = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.field_violations: List[FieldViolation] = field_violations or []
        self.limit_violations: List[LimitViolation] = limit_violations or []
        self.missing = missing


class InvalidJobError(RnnError):
    """INVALID_ARGUMENT: the job file or a request field is wrong; see field_violations (and limit_violations)."""


class LimitExceededError(RnnError):
    """RESOURCE_EXHAUSTED: the job file is too large or the tenant runs too many jobs; see limit_violations."""


class NotFoundError(RnnError):
    """NOT_FOUND: no such job for this tenant, or the file is not written yet; see missing."""


class AuthenticationError(RnnError):
    """UNAUTHENTICATED: the token is missing or unknown."""


class UnavailableError(RnnError):
    """UNAVAILABLE: the silo cannot be reached (watch() reconnects by itself a few times first)."""


class IntegrityError(RnnError):
    """A downloaded file's bytes do not match the SHA-256 or size the server sent."""


_BY_CODE = {
    grpc.StatusCode.INVALID_ARGUMENT: InvalidJobError,
    grpc.StatusCode.RESOURCE_EXHAUSTED: LimitExceededError,
    grpc.StatusCode.NOT_FOUND: NotFoundError,
    grpc.StatusCode.UNAUTHENTICATED: AuthenticationError,
    grpc.StatusCode.UNAVAILABLE: UnavailableError,
}


def from_rpc_error(error: grpc.RpcError) -> RnnError:
    """The RnnError subclass for a failed call, with the details decoded from the grpc-status-details-bin trailer."""
    code = error.code() if hasattr(error, "code") else grpc.StatusCode.UNKNOWN
    message = (error.details() if hasattr(error, "details") else None) or str(code)
    fields: List[FieldViolation] = []
    limits: List[LimitViolation] = []
    missing: Optional[MissingResource] = None
    trailers = error.trailing_metadata() if hasattr(error, "trailing_metadata") else None
    for key, value in trailers or ():
        if key != _DETAILS_KEY:
            continue
        status = status_pb2.Status.FromString(value)
        for detail in status.details:
            if detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
                bad = error_details_pb2.BadRequest()
                detail.Unpack(bad)
                fields += [FieldViolation(v.field, v.description) for v in bad.field_violations]
            elif detail.Is(error_details_pb2.QuotaFailure.DESCRIPTOR):
                quota = error_details_pb2.QuotaFailure()
                detail.Unpack(quota)
                limits += [LimitViolation(v.subject, v.quota_id, v.quota_value, v.description) for v in quota.violations]
            elif detail.Is(error_details_pb2.ResourceInfo.DESCRIPTOR):
                info = error_details_pb2.ResourceInfo()
                detail.Unpack(info)
                missing = MissingResource(info.resource_type, info.resource_name, info.description)
    return _BY_CODE.get(code, RnnError)(code, message, field_violations=fields, limit_violations=limits, missing=missing)
