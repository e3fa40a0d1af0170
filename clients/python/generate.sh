#!/usr/bin/env bash
# Generates the Python stubs of rnn.v1 (and of google.rpc's error details) into src/rnn_client/_generated/, which git
# ignores: run it after every change of the proto and before `pip install .`.
# Needs protoc 3.15 or newer (proto3 `optional`) and grpc_python_plugin; on Debian 12: apt-get install protobuf-compiler
# protobuf-compiler-grpc (protoc 3.21). Not python3-grpc-tools: its bundled protoc 3.5 refuses `optional`.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
out=$here/src/rnn_client/_generated
protoc=${PROTOC:-protoc}
plugin=${GRPC_PYTHON_PLUGIN:-$(command -v grpc_python_plugin || true)}
command -v "$protoc" >/dev/null || { echo "generate.sh: protoc not found; apt-get install protobuf-compiler (3.15 or newer)" >&2; exit 1; }
[[ -n $plugin ]] || { echo "generate.sh: grpc_python_plugin not found; apt-get install protobuf-compiler-grpc" >&2; exit 1; }

rm -rf "$out"
mkdir -p "$out"
"$protoc" -I "$repo/src/Rnn.Contracts/Protos" -I "$here/protos" --python_out="$out" --pyi_out="$out" \
  --grpc_python_out="$out" --plugin=protoc-gen-grpc_python="$plugin" \
  rnn/v1/training.proto google/rpc/status.proto google/rpc/error_details.proto
# The gRPC stub imports its messages as the top-level package `rnn.v1`; inside this package they live elsewhere.
sed -i 's/^from rnn\.v1 import /from rnn_client._generated.rnn.v1 import /' "$out/rnn/v1/training_pb2_grpc.py"
rm -f "$out"/google/rpc/*_grpc.py
for d in "$out" "$out/rnn" "$out/rnn/v1" "$out/google" "$out/google/rpc"; do touch "$d/__init__.py"; done
echo "generate.sh: stubs in $out ($("$protoc" --version))"
