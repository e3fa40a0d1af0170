#!/usr/bin/env bash
# Faults between machines (issue 24): 3 silos and Redis, each in its own network namespace with its own address on
# one bridge (10.77.0.0/24: Redis .10, silos .11-.13, this host .1 for the client), sharing a runs folder as an NFS
# mount would. Links are cut with `ip link set down` (tc netem does not work here). With the fault-free job's
# parameters_sha256 as the bar, each case must end with that hash within its bound:
#   a  cut the link of a shard silo (not the job grain's) at step >= 40; it stays cut to the end
#   b  cut the link of the silo that hosts the job grain (its driver) at step >= 40; it stays cut to the end
#   c  cut the job grain's silo, wait until the others checkpoint past the cut (the cluster declared it dead and a new
#      driver took over), then heal the link while the job runs: no stale push may change the hash and no checkpoint
#      may go back (the manifest's step, sampled every 0.2 s, never decreases)
#   d  restart Redis (membership and grain storage, append-only file) mid-run
#   e  kill -9 every silo while a checkpoint is being written (checkpoint.tmp exists), start them again: the job
#      resumes from the last consistent checkpoint (run.json's generation grows) and ends with the hash
# Only addresses inside the namespaces this script creates are ever used; the trap deletes every namespace, link and
# process it made. Needs root (ip netns), redis-server (installed from Debian if missing) and the .NET SDK.
# Usage: scripts/partition-test.sh [--keep] [CASES]   (CASES: letters, default "abcde"; --keep keeps the temp folder)
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
KEEP=""; [[ ${1:-} == --keep ]] && { KEEP=1; shift; }
CASES=${1:-abcde}
START=$SECONDS
WORK=$(mktemp -d -t rnn-partition-XXXXXX)
ID=$((RANDOM % 9000 + 1000))              # names of this run's namespaces and links (interface names <= 15 chars)
BR=rp${ID}br
NET=10.77.0
CASE_BOUND=150                            # seconds each case may take from submission to the hash
declare -A PIDS=()
declare -A ADDR=([r]=$NET.10 [1]=$NET.11 [2]=$NET.12 [3]=$NET.13)
RESULTS=()

log() { printf '[%4ds] %s\n' $((SECONDS - START)) "$*"; }
fail() { log "FAIL: $*"; exit 1; }
ns() { echo "rp$ID-$1"; }
veth() { echo "rp${ID}h$1"; }              # the host side of node $1's link; set down = cable pulled

cleanup() {
  local rc=$?
  for pid in "${PIDS[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  for n in r 1 2 3; do ip netns del "$(ns $n)" 2>/dev/null || true; ip link del "$(veth $n)" 2>/dev/null || true; done
  ip link del "$BR" 2>/dev/null || true
  if [[ $rc -ne 0 ]]; then log "last lines of the logs:"; tail -n 25 "$WORK"/*.log 2>/dev/null || true; fi
  printf '%s\n' "${RESULTS[@]}"
  if [[ -n $KEEP || $rc -ne 0 ]]; then log "kept $WORK"; else rm -rf "$WORK"; fi
  exit $rc
}
trap cleanup EXIT INT TERM

command -v redis-server >/dev/null || { apt-get install -y redis-server >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y redis-server >/dev/null; }; }
ip route | grep -q "^$NET.0/24" && fail "$NET.0/24 is already routed on this host; another run still holds it"

log "publishing the silo once and building the client (Release)"
dotnet publish -c Release src/Rnn.Silo -o "$WORK/silo" -v q -nologo >"$WORK/build.log" 2>&1 || fail "publish (see $WORK/build.log)"
dotnet build -c Release tests/Rnn.Cluster.Tests -v q -nologo >>"$WORK/build.log" 2>&1 || fail "build of the client"
CLIENT_DLL=$REPO/tests/Rnn.Cluster.Tests/bin/Release/net10.0/Rnn.Cluster.Tests.dll

log "network: bridge $BR, namespaces $(ns r) (Redis ${ADDR[r]}) and $(ns 1)..$(ns 3) (silos ${ADDR[1]}..${ADDR[3]})"
ip link add "$BR" type bridge
ip addr add "$NET.1/24" dev "$BR"
ip link set "$BR" up
for n in r 1 2 3; do
  ip netns add "$(ns $n)"
  ip link add "$(veth $n)" type veth peer name "rp${ID}n$n"
  ip link set "rp${ID}n$n" netns "$(ns $n)"
  ip link set "$(veth $n)" master "$BR" up
  ip -n "$(ns $n)" link set lo up
  ip -n "$(ns $n)" link set "rp${ID}n$n" name eth0
  ip -n "$(ns $n)" addr add "${ADDR[$n]}/24" dev eth0
  ip -n "$(ns $n)" link set eth0 up
done
cut() { ip link set "$(veth "$1")" down; }
# After a heal the node forgets the neighbours it failed to reach, as a re-plugged host does (no wait for re-probing).
heal() { ip link set "$(veth "$1")" up; ip -n "$(ns "$1")" neigh flush all 2>/dev/null || true; }

TOKEN=partition-test-token-$RANDOM$RANDOM
echo "$TOKEN ci" >"$WORK/tokens.txt"
mkdir -p "$WORK/runs" "$WORK/redis"
start_redis() {
  ip netns exec "$(ns r)" redis-server --port 6379 --bind "${ADDR[r]}" --protected-mode no --dir "$WORK/redis" --save "" \
    --appendonly yes --appendfsync always --logfile "$WORK/redis.log" &
  PIDS[r]=$!
}
# Fast failure detection (as scripts/cluster-fault-test.sh; production keeps Orleans' defaults, docs/distributed.md).
export RNN_Orleans__Membership__ProbeTimeout=00:00:01 RNN_Orleans__Membership__NumMissedProbesLimit=2 \
  RNN_Orleans__Membership__NumVotesForDeathDeclaration=1 RNN_Orleans__Membership__TableRefreshTimeout=00:00:01 \
  RNN_Orleans__Membership__DeathVoteExpirationTimeout=00:00:10 \
  RNN_Training__StepCallDeadline=00:00:04 RNN_Training__StepCallAttempts=2
start_silo() {
  ip netns exec "$(ns "$1")" dotnet "$WORK/silo/Rnn.Silo.dll" --tokens "$WORK/tokens.txt" --runs "$WORK/runs" \
    --data-roots "$REPO/data" --clustering redis --redis "${ADDR[r]}:6379" --advertise-address "${ADDR[$1]}" \
    --grpc-address 0.0.0.0 >>"$WORK/silo$1.log" 2>&1 &
  PIDS[$1]=$!
}
stop() { [[ -n ${PIDS[$1]:-} ]] || return 0; kill -9 "${PIDS[$1]}" 2>/dev/null || true; wait "${PIDS[$1]}" 2>/dev/null || true; unset "PIDS[$1]"; }
wait_grpc() {
  local deadline=$((SECONDS + 60))
  until (exec 3<>"/dev/tcp/${ADDR[$1]}/5080") 2>/dev/null; do
    ((SECONDS < deadline)) || fail "silo $1 did not start within 60 s"; sleep 0.5
  done
}
urls() { local u=() n; for n in "$@"; do u+=("http://${ADDR[$n]}:5080"); done; local IFS=,; echo "${u[*]}"; }
client() { dotnet "$CLIENT_DLL" "$@" --token "$TOKEN"; }
summary_hash() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["parameters_sha256"])' "$WORK/runs/$1/summary.json"; }
generation() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d.get("generation", d.get("Generation")))' "$WORK/runs/$1/run.json"; }
# The silo whose JobGrain logged the job's acceptance (it holds the driver).
host_of() { local n; for n in 1 2 3; do grep -q "Job $1 (.*) accepted" "$WORK/silo$n.log" 2>/dev/null && { echo "$n"; return; }; done; fail "no silo logged job $1"; }
ensure_cluster() {
  local n
  for n in 1 2 3; do
    if [[ -z ${PIDS[$n]:-} ]] || ! kill -0 "${PIDS[$n]}" 2>/dev/null; then stop "$n"; heal "$n"; start_silo "$n"; fi
  done
  for n in 1 2 3; do wait_grpc "$n"; done
}

# MNIST rows, LSTM 64 → dense 10, 6 shards over 3 silos, a checkpoint every 20 steps (scripts/cluster-fault-test.sh's job).
job() {
  cat >"$WORK/$1.json" <<JSON
{ "name": "$1", "seed": 11,
  "data": { "kind": "mnist-rows", "path": "mnist", "limit": 512 },
  "model": { "layers": [ { "type": "lstm", "units": 64 }, { "type": "dense", "units": 10, "activation": "softmax" } ] },
  "loss": "sparse_categorical_crossentropy", "metrics": ["accuracy"],
  "optimizer": { "type": "adam", "lr": 0.005, "clip_norm": 1.0 },
  "training": { "steps": ${STEPS:-160}, "batch_size": 48, "shards": 6, "checkpoint_every": 20 } }
JSON
  client submit --urls "$(urls 1 2 3)" --job "$WORK/$1.json"
}
# finish NAME ID CASE-START URL-NODES...: waits for completion within the bound and records PASS/FAIL with the hash.
finish() {
  local name=$1 id=$2 began=$3; shift 3
  local left=$((CASE_BOUND - (SECONDS - began)))
  ((left > 0)) || left=1
  if ! client wait-done --urls "$(urls "$@")" --id "$id" --timeout "$left" >/dev/null; then
    RESULTS+=("$name: FAIL (not completed within ${CASE_BOUND} s)"); fail "$name did not complete within ${CASE_BOUND} s"
  fi
  local hash; hash=$(summary_hash "$name")
  local verdict=PASS; [[ $hash == "$REFERENCE" ]] || verdict=FAIL
  RESULTS+=("$name: $verdict in $((SECONDS - began)) s, parameters_sha256 $hash")
  log "$name: $verdict in $((SECONDS - began)) s, parameters_sha256 $hash"
  [[ $verdict == PASS ]] || fail "$name's hash differs from the fault-free $REFERENCE"
}

start_redis
for n in 1 2 3; do start_silo "$n"; done
for n in 1 2 3; do wait_grpc "$n"; done

log "reference: the job with no fault"
began=$SECONDS; id=$(job reference)
client wait-done --urls "$(urls 1 2 3)" --id "$id" --timeout "$CASE_BOUND" >/dev/null || fail "the fault-free job did not complete"
REFERENCE=$(summary_hash reference)
RESULTS+=("reference: $((SECONDS - began)) s, parameters_sha256 $REFERENCE")
log "reference parameters_sha256 $REFERENCE ($((SECONDS - began)) s)"

if [[ $CASES == *a* ]]; then
  ensure_cluster; log "a: cut the link of a shard silo at step >= 40"
  began=$SECONDS; id=$(job cut-shard)
  client wait-step --urls "$(urls 1 2 3)" --id "$id" --step 40 >/dev/null || fail "cut-shard did not reach step 40"
  host=$(host_of "$id"); victim=$((host % 3 + 1)); live=$(printf '%s ' 1 2 3 | tr -d "$victim")
  cut "$victim"; log "a: silo $victim cut (the job grain is on silo $host)"
  finish cut-shard "$id" "$began" $live
  stop "$victim"
fi

if [[ $CASES == *b* ]]; then
  ensure_cluster; log "b: cut the link of the job grain's silo at step >= 40"
  began=$SECONDS; id=$(job cut-driver)
  client wait-step --urls "$(urls 1 2 3)" --id "$id" --step 40 >/dev/null || fail "cut-driver did not reach step 40"
  victim=$(host_of "$id"); live=$(printf '%s ' 1 2 3 | tr -d "$victim")
  cut "$victim"; log "b: silo $victim (the job grain's) cut"
  finish cut-driver "$id" "$began" $live
  stop "$victim"
fi

if [[ $CASES == *c* ]]; then
  ensure_cluster; log "c: cut the job grain's silo, heal it after the cluster moved on"
  began=$SECONDS; id=$(job heal-late)
  client wait-step --urls "$(urls 1 2 3)" --id "$id" --step 30 >/dev/null || fail "heal-late did not reach step 30"
  victim=$(host_of "$id"); live=$(printf '%s ' 1 2 3 | tr -d "$victim")
  cut "$victim"; cut_at=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["step"])' "$WORK/runs/heal-late/checkpoint/manifest.json")
  log "c: silo $victim cut (checkpoint at step $cut_at); waiting for a checkpoint past step $((cut_at + 20)) from the others"
  client wait-step --urls "$(urls $live)" --id "$id" --step $((cut_at + 45)) --timeout "$CASE_BOUND" >/dev/null || fail "heal-late made no progress without silo $victim"
  # Sample the checkpoint's step from before the heal to the end: it must never go back.
  python3 - "$WORK/runs/heal-late" >"$WORK/heal-late-steps.txt" <<'PY' &
import json, os, sys, time
folder = sys.argv[1]
last = -1
while not os.path.exists(os.path.join(folder, "summary.json")) and not os.path.exists(os.path.join(folder, "outcome.json")):
    try:
        step = json.load(open(os.path.join(folder, "checkpoint", "manifest.json")))["step"]
        if step != last: print(step, flush=True); last = step
    except (OSError, ValueError, KeyError):
        pass
    time.sleep(0.2)
PY
  sampler=$!
  heal "$victim"; healed=$SECONDS; log "c: silo $victim healed"
  finish heal-late "$id" "$began" $live
  wait "$sampler" || true
  python3 -c 'import sys; s=[int(x) for x in open(sys.argv[1]).read().split()]; sys.exit(0 if s == sorted(s) else 1)' "$WORK/heal-late-steps.txt" \
    || { RESULTS+=("heal-late: FAIL (checkpoint steps went back: $(tr '\n' ' ' <"$WORK/heal-late-steps.txt"))"); fail "a checkpoint went back after the heal"; }
  if kill -0 "${PIDS[$victim]}" 2>/dev/null; then fate="still running $((SECONDS - healed)) s after the heal"; else fate="stopped itself $((SECONDS - healed)) s or less after the heal (declared dead)"; fi
  RESULTS+=("heal-late: checkpoint steps after the heal $(tr '\n' ' ' <"$WORK/heal-late-steps.txt")(never back); healed silo $fate")
  log "c: checkpoint steps $(tr '\n' ' ' <"$WORK/heal-late-steps.txt"); the healed silo $fate"
  stop "$victim"
fi

if [[ $CASES == *d* ]]; then
  ensure_cluster; log "d: restart Redis at step >= 40"
  began=$SECONDS; id=$(job redis-restart)
  client wait-step --urls "$(urls 1 2 3)" --id "$id" --step 40 >/dev/null || fail "redis-restart did not reach step 40"
  kill -TERM "${PIDS[r]}"; wait "${PIDS[r]}" 2>/dev/null || true; sleep 2; start_redis
  log "d: Redis stopped for ~2 s and started again (append-only file)"
  finish redis-restart "$id" "$began" 1 2 3
fi

if [[ $CASES == *e* ]]; then
  ensure_cluster; log "e: kill -9 every silo while a checkpoint is being written"
  began=$SECONDS; id=$(job kill-in-checkpoint)
  client wait-step --urls "$(urls 1 2 3)" --id "$id" --step 30 >/dev/null || fail "kill-in-checkpoint did not reach step 30"
  caught=no
  for try in 1 2 3; do
    # A 0.5 ms poll for checkpoint.tmp (the write in progress), then SIGKILL to all three at once.
    python3 - "$WORK/runs/kill-in-checkpoint" "${PIDS[1]}" "${PIDS[2]}" "${PIDS[3]}" <<'PY' || fail "no checkpoint write seen within 60 s"
import os, signal, sys, time
folder, pids = sys.argv[1], [int(p) for p in sys.argv[2:]]
deadline = time.time() + 60
while not os.path.isdir(os.path.join(folder, "checkpoint.tmp")):
    if time.time() > deadline: sys.exit(1)
    time.sleep(0.0005)
for pid in pids: os.kill(pid, signal.SIGKILL)
PY
    for n in 1 2 3; do stop "$n"; done
    generation_before=$(generation kill-in-checkpoint)
    if [[ -d $WORK/runs/kill-in-checkpoint/checkpoint.tmp ]]; then caught=yes; fi
    log "e: try $try: all silos killed (checkpoint.tmp left behind: $caught), generation $generation_before; restarting"
    for n in 1 2 3; do start_silo "$n"; done
    [[ $caught == yes ]] && break
    [[ -e $WORK/runs/kill-in-checkpoint/summary.json ]] && break
    for n in 1 2 3; do wait_grpc "$n"; done
  done
  finish kill-in-checkpoint "$id" "$began" 1 2 3
  generation_after=$(generation kill-in-checkpoint)
  ((generation_after > generation_before)) || fail "run.json's generation did not grow ($generation_before → $generation_after)"
  RESULTS+=("kill-in-checkpoint: killed mid-write: $caught (tries $try); generation $generation_before → $generation_after")
fi

log "PASS: cases $CASES in $((SECONDS - START)) s"
