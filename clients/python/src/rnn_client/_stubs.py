"""The generated modules (generate.sh), imported in one place with a clear message when they are missing."""

try:
    from rnn_client._generated.google.rpc import error_details_pb2, status_pb2
    from rnn_client._generated.rnn.v1 import training_pb2 as pb
    from rnn_client._generated.rnn.v1 import training_pb2_grpc as pb_grpc
except ImportError as e:  # pragma: no cover - a packaging mistake, not a runtime condition
    raise ImportError(
        "rnn_client's gRPC stubs are not generated: run clients/python/generate.sh "
        f"(needs protoc >= 3.15 and grpc_python_plugin) before installing ({e})"
    ) from e

__all__ = ["error_details_pb2", "status_pb2", "pb", "pb_grpc"]
