#!/usr/bin/env bash
# Soak test of a 3-silo cluster (issue 24): Redis membership and grain storage, 3 silo processes on loopback, two
# tenants (alpha, beta) submitting through the gRPC API with their own tokens.
#   1. reference: JOBS small jobs (seed 100 + j; even j alpha's, odd j beta's) submitted at once on the quiet cluster;
#      each one's parameters_sha256 is its fault-free hash;
#   2. soak: for DURATION seconds a random silo is killed (kill -9) every INTERVAL seconds and started again at once,
#      while rounds of the same JOBS jobs (new names) are submitted at once, one round after the other; every job of
#      every round must complete with its fault-free hash, each round within ROUND_BOUND seconds;
#   3. whole-cluster restart: every silo is killed and started again; every soak job must still read Completed with
#      its hash (job records survive in Redis, run folders on disk);
#   4. memory: each silo's RSS (and Redis's) is sampled every 2 s during the soak. Pass: no sample over RSS_LIMIT_MB,
#      and for each silo the peak of the soak's last third is at most 1.5 x the peak of its first third + 100 MB (no
#      growth from round to round). The report gives first / max / last per silo and a slope (least squares over all
#      samples of the silo's longest-lived process, MB/min).
# The trap stops every process this script started. Every wait has a bound, so the script cannot hang:
# at most ~DURATION + 2 x ROUND_BOUND + 300 s after the build.
# Usage: [DURATION=600] [INTERVAL=20] [JOBS=20] [STEPS=300] scripts/soak-test.sh [--keep]
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
DURATION=${DURATION:-600}
INTERVAL=${INTERVAL:-20}
JOBS=${JOBS:-20}
STEPS=${STEPS:-300}
ROUND_BOUND=${ROUND_BOUND:-600}
RSS_LIMIT_MB=${RSS_LIMIT_MB:-1500}
KEEP=${1:-}
START=$SECONDS
WORK=$(mktemp -d -t rnn-soak-XXXXXX)
declare -A SILO_PIDS=()
REDIS_PID=""
DRIVER_PID=""

log() { printf '[%4ds] %s\n' $((SECONDS - START)) "$*"; }
fail() { log "FAIL: $*"; exit 1; }

# Kills a process and its descendants, by id.
kill_tree() { local c; for c in $(pgrep -P "$1" 2>/dev/null); do kill_tree "$c"; done; kill -9 "$1" 2>/dev/null || true; }

cleanup() {
  local rc=$?
  if [[ -n $DRIVER_PID ]]; then kill_tree "$DRIVER_PID"; fi
  for pid in "${SILO_PIDS[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  if [[ -n $REDIS_PID ]]; then kill "$REDIS_PID" 2>/dev/null || true; wait "$REDIS_PID" 2>/dev/null || true; fi
  if [[ $rc -ne 0 ]]; then log "last lines of the logs:"; tail -n 20 "$WORK"/*.log 2>/dev/null || true; fi
  if [[ $KEEP == --keep || $rc -ne 0 ]]; then log "kept $WORK"; else rm -rf "$WORK"; fi
  exit $rc
}
trap cleanup EXIT INT TERM

command -v redis-server >/dev/null || { apt-get install -y redis-server >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y redis-server >/dev/null; }; }

. scripts/port-base.sh
BASE=$(port_base)
REDIS_PORT=$((BASE + 79))
ALPHA=soak-alpha-$RANDOM$RANDOM$RANDOM
BETA=soak-beta-$RANDOM$RANDOM$RANDOM
printf '%s alpha\n%s beta\n' "$ALPHA" "$BETA" >"$WORK/tokens.txt"
mkdir -p "$WORK/runs" "$WORK/redis" "$WORK/jobs" "$WORK/rounds"

log "building the silo and the client (Release); copies run from $WORK, so a rebuild meanwhile cannot change them"
dotnet build -c Release tests/Rnn.Cluster.Tests -v q -nologo >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; fail "build"; }
cp -r src/Rnn.Silo/bin/Release/net10.0 "$WORK/silo"
cp -r tests/Rnn.Cluster.Tests/bin/Release/net10.0 "$WORK/client"

redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$WORK/redis" --save "" --appendonly no --logfile "$WORK/redis.log" &
REDIS_PID=$!

# Fast failure detection, as scripts/cluster-fault-test.sh (production keeps Orleans' defaults; docs/distributed.md).
export RNN_Orleans__Membership__ProbeTimeout=00:00:01 RNN_Orleans__Membership__NumMissedProbesLimit=2 \
  RNN_Orleans__Membership__NumVotesForDeathDeclaration=1 RNN_Orleans__Membership__TableRefreshTimeout=00:00:01 \
  RNN_Orleans__Membership__DeathVoteExpirationTimeout=00:00:10 \
  RNN_Training__StepCallDeadline=00:00:04 RNN_Training__StepCallAttempts=2
# Each tenant runs half a round at once (the default limit is 4 queued or running jobs per tenant).
export RNN_Api__Limits__MaxConcurrentJobsPerTenant=$JOBS

# Silo i listens on BASE+i (silo), +10 (gateway), +20 (gRPC).
start_silo() {
  local i=$1
  dotnet "$WORK/silo/Rnn.Silo.dll" --tokens "$WORK/tokens.txt" --data-roots "$REPO/data" --runs "$WORK/runs" \
    --clustering redis --redis "127.0.0.1:$REDIS_PORT" --advertise-address 127.0.0.1 --silo-port $((BASE + i)) \
    --gateway-port $((BASE + 10 + i)) --grpc-port $((BASE + 20 + i)) --grpc-address 127.0.0.1 >>"$WORK/silo$i.log" 2>&1 &
  SILO_PIDS[$i]=$!
}
kill_silo() { kill -9 "${SILO_PIDS[$1]}" 2>/dev/null || true; wait "${SILO_PIDS[$1]}" 2>/dev/null || true; unset "SILO_PIDS[$1]"; }
wait_grpc() {
  local deadline=$((SECONDS + 90))
  until (exec 3<>"/dev/tcp/127.0.0.1/$((BASE + 20 + $1))") 2>/dev/null; do
    ((SECONDS < deadline)) || fail "silo $1 did not start within 90 s"; sleep 0.5
  done
}
URLS="http://127.0.0.1:$((BASE + 21)),http://127.0.0.1:$((BASE + 22)),http://127.0.0.1:$((BASE + 23))"
client() { dotnet "$WORK/client/Rnn.Cluster.Tests.dll" "$@" --urls "$URLS"; }
tenant_of() { if (($1 % 2 == 0)); then echo alpha; else echo beta; fi; }
token_of() { if [[ $1 == alpha ]]; then echo "$ALPHA"; else echo "$BETA"; fi; }

# A small job: MNIST rows (256), LSTM 16 → dense 10, 3 shards, a checkpoint every 10 steps.
write_job() {
  cat >"$WORK/jobs/$1.json" <<JSON
{ "name": "$1", "seed": $((100 + $2)),
  "data": { "kind": "mnist-rows", "path": "mnist", "limit": 256 },
  "model": { "layers": [ { "type": "lstm", "units": 16 }, { "type": "dense", "units": 10, "activation": "softmax" } ] },
  "loss": "sparse_categorical_crossentropy", "metrics": ["accuracy"],
  "optimizer": { "type": "adam", "lr": 0.01, "clip_norm": 0.5 },
  "training": { "steps": $STEPS, "batch_size": 30, "shards": 3, "checkpoint_every": 10 } }
JSON
}

# run_round PREFIX: submits JOBS jobs PREFIX-j at once (both tenants in parallel), waits for all to end within
# ROUND_BOUND and writes $WORK/rounds/PREFIX.txt: one line a job "j tenant id state step rollbacks hash reason".
run_round() {
  local prefix=$1 j t pids=() pid failed=0
  for t in alpha beta; do
    local files=()
    for ((j = 0; j < JOBS; j++)); do
      [[ $(tenant_of $j) == "$t" ]] || continue
      write_job "$prefix-$j" "$j"; files+=("$WORK/jobs/$prefix-$j.json")
    done
    (IFS=,; client submit-many --jobs "${files[*]}" --token "$(token_of $t)" --timeout 120 >"$WORK/rounds/$prefix.$t.ids") &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
  ((failed == 0)) || return 1
  pids=()
  for t in alpha beta; do
    client wait-all --ids "$(paste -sd, "$WORK/rounds/$prefix.$t.ids")" --token "$(token_of $t)" --timeout "$ROUND_BOUND" \
      >"$WORK/rounds/$prefix.$t.ended" &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid" || true; done
  : >"$WORK/rounds/$prefix.txt"
  for t in alpha beta; do
    local k=0
    for ((j = 0; j < JOBS; j++)); do
      [[ $(tenant_of $j) == "$t" ]] || continue
      k=$((k + 1)); echo "$j $t $(sed -n "${k}p" "$WORK/rounds/$prefix.$t.ended")" >>"$WORK/rounds/$prefix.txt"
    done
  done
  sort -n -o "$WORK/rounds/$prefix.txt" "$WORK/rounds/$prefix.txt"
}

log "starting Redis (127.0.0.1:$REDIS_PORT) and 3 silos"
for i in 1 2 3; do start_silo $i; done
for i in 1 2 3; do wait_grpc $i; done

log "reference: $JOBS jobs ($STEPS steps each) at once on the quiet cluster"
began=$SECONDS
run_round ref || fail "the reference round could not be submitted"
declare -A REF=()
while read -r j t id state step rollbacks hash reason; do
  [[ $state == Completed ]] || fail "reference job $j ($t) ended $state at step $step: $reason"
  REF[$j]=$hash
done <"$WORK/rounds/ref.txt"
REFERENCE_SECONDS=$((SECONDS - began))
log "reference: $JOBS jobs completed in $REFERENCE_SECONDS s ($(printf '%s\n' "${REF[@]}" | sort -u | wc -l) distinct hashes)"

# The rounds run in the background; this shell owns the silos (kills, restarts, RSS samples).
rounds() {
  local r=0
  while [[ ! -e $WORK/stop ]]; do
    r=$((r + 1))
    local began=$SECONDS
    run_round "soak$r" || { echo "soak$r submission failed" >>"$WORK/rounds/errors"; return 1; }
    echo "soak$r $((SECONDS - began))" >>"$WORK/rounds/done"
  done
}
SOAK_START=$SECONDS
rounds >"$WORK/rounds.log" 2>&1 &
DRIVER_PID=$!
log "soak: $DURATION s, a random silo killed every $INTERVAL s and restarted; rounds of $JOBS jobs meanwhile"

KILLS=0; SELF_EXITS=0
sample_rss() {
  local t=$((SECONDS - SOAK_START)) i kb
  for i in 1 2 3 redis; do
    local pid; if [[ $i == redis ]]; then pid=$REDIS_PID; else pid=${SILO_PIDS[$i]:-}; fi
    [[ -n $pid ]] || continue
    kb=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null) || continue
    [[ -n $kb ]] && echo "$t $i $pid $kb" >>"$WORK/rss.txt"
  done
}
# A silo may also end on its own (Orleans stops a silo it finds declared dead): counted and started again.
revive() {
  local i
  for i in 1 2 3; do
    if ! kill -0 "${SILO_PIDS[$i]:-0}" 2>/dev/null; then
      log "silo $i ended on its own; starting it again"; SELF_EXITS=$((SELF_EXITS + 1)); kill_silo $i; start_silo $i
    fi
  done
}
next_kill=$((SECONDS + INTERVAL))
while ((SECONDS - SOAK_START < DURATION)); do
  kill -0 "$DRIVER_PID" 2>/dev/null || fail "the rounds stopped early: $(cat "$WORK/rounds/errors" "$WORK/rounds.log" 2>/dev/null | tail -n 5)"
  sample_rss; revive
  if ((SECONDS >= next_kill)); then
    victim=$((RANDOM % 3 + 1)); kill_silo $victim; start_silo $victim
    KILLS=$((KILLS + 1)); next_kill=$((next_kill + INTERVAL))
    log "kill $KILLS: silo $victim (kill -9, started again); rounds done: $(wc -l <"$WORK/rounds/done" 2>/dev/null || echo 0)"
  fi
  sleep 2
done
touch "$WORK/stop"
log "soak over after $KILLS kills; waiting for the round in progress (at most $ROUND_BOUND s)"
drain_deadline=$((SECONDS + ROUND_BOUND + 150))
while kill -0 "$DRIVER_PID" 2>/dev/null; do
  ((SECONDS < drain_deadline)) || fail "the last round did not end within its bound"
  sample_rss; revive; sleep 2
done
wait "$DRIVER_PID" || fail "the rounds failed: $(cat "$WORK/rounds/errors" 2>/dev/null)"
DRIVER_PID=""
SOAK_SECONDS=$((SECONDS - SOAK_START))

# Every job of every round: completed with its reference hash.
JOBS_RUN=0; JOBS_SAME=0; BAD=()
for f in "$WORK"/rounds/soak*.txt; do
  while read -r j t id state step rollbacks hash reason; do
    JOBS_RUN=$((JOBS_RUN + 1))
    if [[ $state == Completed && $hash == "${REF[$j]}" ]]; then JOBS_SAME=$((JOBS_SAME + 1)); else BAD+=("$(basename "$f" .txt) job $j ($t, $id): $state at step $step, hash $hash, $reason"); fi
  done <"$f"
done
ROUNDS=$(wc -l <"$WORK/rounds/done")
# What the kills did to running jobs, as the silos logged it: steps interrupted and rolled back to a checkpoint.
ROLLED_BACK=$(cat "$WORK"/silo*.log | grep -c "rolling back to the last checkpoint" || true)
log "soak: $ROUNDS rounds, $JOBS_RUN jobs, $JOBS_SAME with the fault-free hash, $KILLS kills, $SELF_EXITS silo self-exits, $SOAK_SECONDS s; $ROLLED_BACK rollbacks logged"
((${#BAD[@]} == 0)) || printf '  %s\n' "${BAD[@]}"

log "whole-cluster restart: kill -9 of every silo, then start them again"
for i in 1 2 3; do kill_silo $i; done
for i in 1 2 3; do start_silo $i; done
for i in 1 2 3; do wait_grpc $i; done
KEPT=0
for t in alpha beta; do
  ids=$(cat "$WORK"/rounds/soak*.$t.ids | paste -sd,)
  client wait-all --ids "$ids" --token "$(token_of $t)" --timeout 180 >"$WORK/after-restart.$t" || true
  for f in "$WORK"/rounds/soak*.txt; do
    while read -r j tt id state step rollbacks hash reason; do
      [[ $tt == "$t" ]] || continue
      if grep -q "^$id Completed $STEPS [0-9]* ${REF[$j]} " "$WORK/after-restart.$t"; then KEPT=$((KEPT + 1)); else
        BAD+=("after the restart: job $id ($t): $(grep "^$id " "$WORK/after-restart.$t" || echo 'no status')"); fi
    done <"$f"
  done
done
log "after the restart: $KEPT of $JOBS_RUN jobs still Completed with their hash"

RSS_REPORT=$(python3 - "$WORK/rss.txt" "$RSS_LIMIT_MB" <<'PY'
import sys
from collections import defaultdict
rows = [l.split() for l in open(sys.argv[1])]
limit = float(sys.argv[2])
by_slot = defaultdict(list)
for t, slot, pid, kb in rows:
    by_slot[slot].append((int(t), int(pid), int(kb) / 1024))
end = max(int(r[0]) for r in rows)
ok = True
for slot in ["1", "2", "3", "redis"]:
    s = by_slot[slot]
    if not s: continue
    mb = [x[2] for x in s]
    first_third = [m for t, _, m in s if t < end / 3] or mb
    last_third = [m for t, _, m in s if t >= 2 * end / 3] or mb
    procs = defaultdict(list)
    for t, pid, m in s: procs[pid].append((t, m))
    longest = max(procs.values(), key=lambda p: p[-1][0] - p[0][0])
    n = len(longest); life = longest[-1][0] - longest[0][0]
    slope = 0.0
    if n > 2 and life > 0:
        mt = sum(t for t, _ in longest) / n; mm = sum(m for _, m in longest) / n
        slope = 60 * sum((t - mt) * (m - mm) for t, m in longest) / sum((t - mt) ** 2 for t, _ in longest)
    bounded = max(mb) <= limit and (slot == "redis" or max(last_third) <= 1.5 * max(first_third) + 100)
    ok &= bounded
    name = "redis" if slot == "redis" else f"silo {slot}"
    print(f"{name}: RSS first {mb[0]:.0f} MB, max {max(mb):.0f}, last {mb[-1]:.0f}; peak first third {max(first_third):.0f}, "
          f"last third {max(last_third):.0f}; {len(procs)} processes, longest {life} s at {slope:+.1f} MB/min; "
          f"{'bounded' if bounded else 'NOT BOUNDED'}")
print("RSS PASS" if ok else "RSS FAIL")
PY
)
printf '%s\n' "$RSS_REPORT" | sed 's/^/  /'

log "summary: DURATION=$DURATION INTERVAL=$INTERVAL JOBS=$JOBS STEPS=$STEPS: reference $REFERENCE_SECONDS s; soak $SOAK_SECONDS s, $KILLS kills, $ROUNDS rounds, $JOBS_SAME/$JOBS_RUN jobs with the fault-free hash ($ROLLED_BACK rollbacks logged); after a whole-cluster restart $KEPT/$JOBS_RUN still Completed with it"
((${#BAD[@]} == 0)) || { printf '  %s\n' "${BAD[@]}"; fail "jobs did not end with their fault-free hash"; }
((JOBS_RUN > 0)) || fail "no soak round completed"
[[ $RSS_REPORT == *"RSS PASS"* ]] || fail "a silo's memory grew past its bound"
log "PASS in $((SECONDS - START)) s"
