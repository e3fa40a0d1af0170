#!/usr/bin/env bash
# The Python client (clients/python) against a real standalone silo: Debian's grpcio, protobuf and protoc generate and
# run it; a tiny job runs to completion (events in order, files' SHA-256, the parameters hash recomputed from
# model.safetensors), one is cancelled, bad jobs come back with their google.rpc details, unknown jobs and tokens are
# refused. Cleans up every process it starts.
#
# Usage: scripts/python-client-test.sh            (needs root for apt-get, or the packages installed)
# Env:   LAG_JOB=examples/seq-mnist-lstm.json also measures the watch lag on that job (clients/python/tools/watch_lag.py;
#        LAG_CSV=FILE writes each live step's lag there)
#        WAIT_SECONDS (default 60) bounds the silo's start.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
wait_seconds=${WAIT_SECONDS:-60}
started=$SECONDS
# Debian's interpreter: its python3-grpcio and python3-protobuf are not visible to another python3 on the PATH.
python=/usr/bin/python3

fail() { echo "python-client-test: FAIL: $*" >&2; exit 1; }
log() { echo "python-client-test: $*" >&2; }

pids=()
work=$(mktemp -d -t python-client-test.XXXXXX)
cleanup() {
  local status=$?
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [[ $status -ne 0 && -s $work/silo.log ]]; then
    echo "--- last lines of silo.log" >&2; tail -n 30 "$work/silo.log" >&2
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- Debian packages: protoc 3.21 + grpc_python_plugin, grpcio, protobuf ---------------------------------------------
packages=(protobuf-compiler protobuf-compiler-grpc python3-grpcio python3-protobuf)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if (( ${#missing[@]} )); then
  log "installing ${missing[*]} from Debian"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1 \
    || { apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; }
fi
bash "$repo/clients/python/generate.sh" >&2

# --- the silo: Release build if missing, loopback ports, a tokens file ---------------------------------------------
silo_dll=$repo/src/Rnn.Silo/bin/Release/net10.0/Rnn.Silo.dll
if [[ ! -f $silo_dll ]]; then
  log "building the silo (Release)"
  dotnet build -c Release "$repo/src/Rnn.Silo/Rnn.Silo.csproj" -v q -nologo >/dev/null
fi
declare -A taken=()
free_port() {
  local port
  for _ in $(seq 1 200); do
    port=$((20000 + RANDOM % 40000))
    [[ -n ${taken[$port]:-} ]] && continue
    if ! ss -Hltn "sport = :$port" | grep -q .; then taken[$port]=1; echo "$port"; return; fi
  done
  fail "no free port found"
}
silo_port=$(free_port); taken[$silo_port]=1
gateway_port=$(free_port); taken[$gateway_port]=1
grpc_port=$(free_port); taken[$grpc_port]=1
token=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
echo "$token python-client" > "$work/tokens.txt"
mkdir -p "$work/runs"
# From the repository root, so that an example's relative data.path (data/mnist) resolves.
(cd "$repo" && exec dotnet "$silo_dll" --tokens "$work/tokens.txt" --runs "$work/runs" --data-roots "$repo/data" --grpc-address 127.0.0.1 \
  --grpc-port "$grpc_port" --silo-port "$silo_port" --gateway-port "$gateway_port") > "$work/silo.log" 2>&1 &
pids+=($!)
silo_pid=$!
deadline=$((SECONDS + wait_seconds))
until ss -Hltn "sport = :$grpc_port" | grep -q .; do
  kill -0 "$silo_pid" 2>/dev/null || fail "the silo exited while starting"
  (( SECONDS < deadline )) || fail "the silo's gRPC port did not open within ${wait_seconds}s"
  sleep 0.5
done
log "silo up: gRPC 127.0.0.1:$grpc_port"

export PYTHONPATH=$repo/clients/python/src RNN_ENDPOINT=127.0.0.1:$grpc_port RNN_TOKEN=$token RNN_DATA=$repo/data/mnist
"$python" "$repo/clients/python/tests/test_silo.py"
if [[ -n ${LAG_JOB:-} ]]; then
  # The silo's data root is $repo/data: the example's "data/..." path is given relative to it.
  "$python" -c 'import json, sys; j = json.load(open(sys.argv[1])); p = j["data"]["path"]
j["data"]["path"] = p[len("data/"):] if p.startswith("data/") else p; json.dump(j, open(sys.argv[2], "w"))' "$LAG_JOB" "$work/lag-job.json"
  "$python" "$repo/clients/python/tools/watch_lag.py" --endpoint "$RNN_ENDPOINT" --token "$token" ${LAG_CSV:+--csv "$LAG_CSV"} "$work/lag-job.json"
fi
log "OK in $((SECONDS - started))s"
