#!/usr/bin/env bash
# Process-level fault test of a 3-silo cluster on Redis membership and storage (issue 8, docs/deploy.md):
#   1. the job on 1 silo (localhost clustering) gives the reference parameters_sha256;
#   2. the same job on 3 silos, one of them killed with SIGKILL mid-run, must end with that hash;
#   3. the same job on 3 silos, all killed mid-run and started again (no resubmission), must resume from its
#      checkpoint and end with that hash.
# Everything runs on loopback in a temp folder; the trap stops every process this script started.
# Usage: scripts/cluster-fault-test.sh [--keep]   (--keep leaves the temp folder for inspection)
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
KEEP=${1:-}
START_SECONDS=$SECONDS
WORK=$(mktemp -d -t rnn-cluster-XXXXXX)
declare -A SILO_PIDS=()
REDIS_PID=""

log() { printf '[%4ds] %s\n' $((SECONDS - START_SECONDS)) "$*"; }
fail() { log "FAIL: $*"; exit 1; }

cleanup() {
  local rc=$?
  for pid in "${SILO_PIDS[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  if [[ -n $REDIS_PID ]]; then kill "$REDIS_PID" 2>/dev/null || true; wait "$REDIS_PID" 2>/dev/null || true; fi
  if [[ $rc -ne 0 ]]; then
    log "logs of the failed run:"; tail -n 30 "$WORK"/*.log 2>/dev/null || true
  fi
  if [[ $KEEP == --keep || $rc -ne 0 ]]; then log "kept $WORK"; else rm -rf "$WORK"; fi
  exit $rc
}
trap cleanup EXIT INT TERM

if ! command -v redis-server >/dev/null; then
  log "installing redis-server (Debian package)"
  apt-get install -y redis-server >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y redis-server >/dev/null; }
fi

# Ports from a random base so two runs (or a developer's silo on the defaults) do not collide.
. scripts/port-base.sh
BASE=$(port_base)
REDIS_PORT=$((BASE + 79))
TOKEN=cluster-fault-test-token-$RANDOM$RANDOM
echo "$TOKEN ci" > "$WORK/tokens.txt"
mkdir -p "$WORK/runs" "$WORK/runs-single" "$WORK/redis"

log "building the silo and the client (Release)"
dotnet build -c Release src/Rnn.Silo -v q -nologo >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; fail "build"; }
dotnet build -c Release tests/Rnn.Cluster.Tests -v q -nologo >>"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; fail "build"; }
SILO_DLL=$REPO/src/Rnn.Silo/bin/Release/net10.0/Rnn.Silo.dll
CLIENT_DLL=$REPO/tests/Rnn.Cluster.Tests/bin/Release/net10.0/Rnn.Cluster.Tests.dll

redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$WORK/redis" --save "" --appendonly no \
  --logfile "$WORK/redis.log" &
REDIS_PID=$!

# Fast failure detection for a test on one machine (production keeps Orleans' defaults; docs/distributed.md).
export RNN_Orleans__Membership__ProbeTimeout=00:00:01 RNN_Orleans__Membership__NumMissedProbesLimit=2 \
  RNN_Orleans__Membership__NumVotesForDeathDeclaration=1 RNN_Orleans__Membership__TableRefreshTimeout=00:00:01 \
  RNN_Orleans__Membership__DeathVoteExpirationTimeout=00:00:10 \
  RNN_Training__StepCallDeadline=00:00:04 RNN_Training__StepCallAttempts=2

# start_silo INDEX EXTRA-ARGS...: silo INDEX listens on BASE+INDEX (silo), +10 (gateway), +20 (gRPC).
start_silo() {
  local i=$1; shift
  dotnet "$SILO_DLL" --tokens "$WORK/tokens.txt" --data-roots "$REPO/data" --silo-port $((BASE + i)) --gateway-port $((BASE + 10 + i)) \
    --grpc-port $((BASE + 20 + i)) --grpc-address 127.0.0.1 "$@" >>"$WORK/silo$i.log" 2>&1 &
  SILO_PIDS[$i]=$!
}
start_cluster_silo() { start_silo "$1" --clustering redis --redis "127.0.0.1:$REDIS_PORT" --advertise-address 127.0.0.1 --runs "$WORK/runs"; }
kill_silo() { kill -9 "${SILO_PIDS[$1]}"; wait "${SILO_PIDS[$1]}" 2>/dev/null || true; unset "SILO_PIDS[$1]"; }
wait_grpc() { for _ in $(seq 1 120); do if (exec 3<>"/dev/tcp/127.0.0.1/$((BASE + 20 + $1))") 2>/dev/null; then return 0; fi; sleep 0.5; done; fail "silo $1 did not start"; }
client() { dotnet "$CLIENT_DLL" "$@" --token "$TOKEN"; }
hash_of() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["parameters_sha256"])' "$1/$2/summary.json"; }
checkpoint_step() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["step"])' "$1/$2/checkpoint/manifest.json"; }
generation() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d.get("generation", d.get("Generation")))' "$1/$2/run.json"; }
URLS="http://127.0.0.1:$((BASE + 21)),http://127.0.0.1:$((BASE + 22))"

# The job: MNIST rows (independent samples), LSTM 64 → dense 10, 6 shards so every one of 3 silos holds some.
job() {
  cat <<JSON
{ "name": "$1", "seed": 11,
  "data": { "kind": "mnist-rows", "path": "$REPO/data/mnist", "limit": 512 },
  "model": { "layers": [ { "type": "lstm", "units": 64 }, { "type": "dense", "units": 10, "activation": "softmax" } ] },
  "loss": "sparse_categorical_crossentropy", "metrics": ["accuracy"],
  "optimizer": { "type": "adam", "lr": 0.005, "clip_norm": 1.0 },
  "training": { "steps": ${STEPS:-160}, "batch_size": 48, "shards": 6, "checkpoint_every": 20 } }
JSON
}
job reference >"$WORK/reference.json"; job kill-one >"$WORK/kill-one.json"; job stop-all >"$WORK/stop-all.json"

log "reference: the job on 1 silo"
start_silo 0 --clustering localhost --runs "$WORK/runs-single"
wait_grpc 0
id=$(client submit --urls "http://127.0.0.1:$((BASE + 20))" --job "$WORK/reference.json")
client wait-done --urls "http://127.0.0.1:$((BASE + 20))" --id "$id" >/dev/null || fail "reference job"
REFERENCE=$(hash_of "$WORK/runs-single" reference)
kill_silo 0
log "reference parameters_sha256 $REFERENCE"

log "starting 3 silos (redis clustering and storage on 127.0.0.1:$REDIS_PORT)"
for i in 1 2 3; do start_cluster_silo $i; done
for i in 1 2 3; do wait_grpc $i; done

log "kill-one: submit, SIGKILL silo 3 at step >= 40"
id=$(client submit --urls "$URLS" --job "$WORK/kill-one.json")
client wait-step --urls "$URLS" --id "$id" --step 40 >/dev/null || fail "kill-one did not reach step 40"
kill_silo 3
log "silo 3 killed; waiting for the job to complete on silos 1 and 2"
client wait-done --urls "$URLS" --id "$id" >/dev/null || fail "kill-one did not complete"
HASH=$(hash_of "$WORK/runs" kill-one)
[[ $HASH == "$REFERENCE" ]] || fail "kill-one hash $HASH differs from the reference $REFERENCE"
log "kill-one completed with the reference hash"

start_cluster_silo 3; wait_grpc 3
log "stop-all: submit, SIGKILL every silo after its second checkpoint"
id=$(client submit --urls "$URLS" --job "$WORK/stop-all.json")
client wait-step --urls "$URLS" --id "$id" --step 45 >/dev/null || fail "stop-all did not reach step 45"
for i in 1 2 3; do kill_silo $i; done
STOPPED_AT=$(checkpoint_step "$WORK/runs" stop-all)
GENERATION=$(generation "$WORK/runs" stop-all)
[[ $STOPPED_AT -ge 40 ]] || fail "expected a checkpoint at step >= 40 before the stop, found $STOPPED_AT"
[[ ! -e $WORK/runs/stop-all/summary.json ]] || fail "stop-all ended before the stop; make the job longer"
log "all silos killed; checkpoint at step $STOPPED_AT, driver generation $GENERATION; restarting"
for i in 1 2 3; do start_cluster_silo $i; done
client wait-done --urls "$URLS" --id "$id" >/dev/null || fail "stop-all did not resume and complete"
HASH=$(hash_of "$WORK/runs" stop-all)
RESUMED_GENERATION=$(generation "$WORK/runs" stop-all)
[[ $RESUMED_GENERATION -gt $GENERATION ]] || fail "run.json generation did not grow ($GENERATION → $RESUMED_GENERATION): no driver restored the checkpoint"
[[ $HASH == "$REFERENCE" ]] || fail "stop-all hash $HASH differs from the reference $REFERENCE"
log "stop-all resumed from step $STOPPED_AT (generation $GENERATION → $RESUMED_GENERATION) and completed with the reference hash"
log "PASS in $((SECONDS - START_SECONDS)) s"
