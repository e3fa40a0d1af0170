#!/usr/bin/env bash
# Shards own their data (issue 21): the memory each silo process holds while a job trains on a large .npy.
#   1. generates x.npy [N, 32, 32] float32 of about GB gigabytes (default 4) and y.npy [N] (10 classes) in a temp
#      data root (python3 standard library only; deleted at the end);
#   2. starts 4 silo processes on Redis membership and storage (as scripts/cluster-fault-test.sh), submits a job with
#      4 shards, and samples each silo's /proc/PID/status while it trains: VmRSS = RssAnon (the heap: a shard's
#      partition) + RssFile (mapped file pages, reclaimable page cache) + RssShmem, and VmHWM (the peak);
#   3. runs the same job on 1 silo (localhost clustering), which must still train, and samples it the same way;
#   4. compares the two runs' parameters_sha256 (the determinism contract: the same on 1 and 4 silos).
# With --hashes it instead runs a small job (GB defaults to 0.05) on 1, 2 and 4 silos and prints the three hashes.
# With --table the data set is a long-format table.csv of about GB gigabytes (default 0.25): sessions of 1..40 rows
# (8 float features, an order column, a string class), rows of 8 sessions interleaved; each shard streams the file
# and keeps only its own sessions' rows (the silo that resolved the job also read it whole once, at submission).
# Results are memory, not time: valid on a busy machine. The trap stops every process this script started.
# Usage: scripts/shard-memory.sh [--hashes] [--table] [--keep] [GB]
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
HASHES=""; [[ ${1:-} == --hashes ]] && { HASHES=1; shift; }
TABLE=""; [[ ${1:-} == --table ]] && { TABLE=1; shift; }
KEEP=""; [[ ${1:-} == --keep ]] && { KEEP=1; shift; }
GB=${1:-$([[ -n $HASHES ]] && echo 0.05 || { [[ -n $TABLE ]] && echo 0.25 || echo 4; })}
START_SECONDS=$SECONDS
WORK=$(mktemp -d -t rnn-shard-memory-XXXXXX)
declare -A SILO_PIDS=()
REDIS_PID=""
SAMPLER_PID=""

log() { printf '[%4ds] %s\n' $((SECONDS - START_SECONDS)) "$*"; }
fail() { log "FAIL: $*"; exit 1; }

cleanup() {
  local rc=$?
  [[ -n $SAMPLER_PID ]] && { kill "$SAMPLER_PID" 2>/dev/null || true; wait "$SAMPLER_PID" 2>/dev/null || true; }
  for pid in "${SILO_PIDS[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  for pid in "${SILO_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [[ -n $REDIS_PID ]]; then kill "$REDIS_PID" 2>/dev/null || true; wait "$REDIS_PID" 2>/dev/null || true; fi
  if [[ $rc -ne 0 ]]; then log "logs of the failed run:"; tail -n 30 "$WORK"/*.log 2>/dev/null || true; fi
  # The data set is always deleted (it is large); --keep keeps the logs and run folders.
  rm -rf "$WORK/data"
  if [[ -n $KEEP || $rc -ne 0 ]]; then log "kept $WORK"; else rm -rf "$WORK"; fi
  exit $rc
}
trap cleanup EXIT INT TERM

command -v redis-server >/dev/null || { apt-get install -y redis-server >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y redis-server >/dev/null; }; }

. scripts/port-base.sh
BASE=$(port_base)
REDIS_PORT=$((BASE + 79))
TOKEN=shard-memory-token-$RANDOM$RANDOM
echo "$TOKEN ci" >"$WORK/tokens.txt"
mkdir -p "$WORK/data/big" "$WORK/redis"

if [[ -n $TABLE ]]; then
log "generating table.csv of about $GB GB (sessions of 1..40 rows, 8 features) in $WORK/data/big"
python3 - "$WORK/data/big" "$GB" <<'PY'
import os, random, sys
folder, gb = sys.argv[1], float(sys.argv[2])
target = int(gb * 2**30)
rng = random.Random(21)
labels = ["calm", "busy", "idle", "away"]
sessions = rows = size = 0
with open(os.path.join(folder, "table.csv"), "w", buffering=1 << 20) as out:
    out.write("session,t,f0,f1,f2,f3,f4,f5,f6,f7,label\n")
    while size < target:
        block = []
        for _ in range(8):  # 8 sessions at a time, their rows interleaved
            n, label, base = 1 + rng.randrange(40), labels[sessions % 4], sessions % 4
            block.append([f"s{sessions},{t}," + ",".join(f"{base + rng.random():.5f}" for _ in range(8)) + f",{label}\n" for t in range(n)])
            sessions += 1
        while any(block):
            for steps in block:
                if steps:
                    line = steps.pop(0); out.write(line); rows += 1; size += len(line)
print(sessions, rows)
PY
N=$(python3 -c 'import sys; print(sum(1 for _ in open(sys.argv[1])) - 1)' "$WORK/data/big/table.csv")
log "table.csv: $N rows, $(du -m "$WORK/data/big/table.csv" | cut -f1) MiB"
cat >"$WORK/job.json" <<JSON
{ "name": "shard-memory", "seed": 21,
  "data": { "kind": "table", "path": "big/table.csv", "sequence": "session", "order": "t",
            "features": ["f0", "f1", "f2", "f3", "f4", "f5", "f6", "f7"], "target_column": "label", "target": "class",
            "test_fraction": 0.01, "shuffle": true, "normalize": "standard" },
  "model": { "layers": [ { "type": "gru", "units": 16 }, { "type": "dense", "units": "classes", "activation": "softmax" } ] },
  "loss": "sparse_categorical_crossentropy", "metrics": ["accuracy"],
  "optimizer": { "type": "adam", "lr": 0.003 },
  "training": { "steps": ${STEPS:-30}, "batch_size": 64, "shards": 4, "checkpoint_every": 1000 } }
JSON
else
log "generating x.npy of about $GB GB (float32 [N, 32, 32]) and y.npy in $WORK/data/big"
python3 - "$WORK/data/big" "$GB" <<'PY'
import array, os, random, struct, sys
folder, gb = sys.argv[1], float(sys.argv[2])
T, F = 32, 32
n = int(gb * 2**30) // (T * F * 4)
def header(descr, shape):
    text = "{'descr': '%s', 'fortran_order': False, 'shape': (%s), }" % (descr, ", ".join(map(str, shape)) + ("," if len(shape) == 1 else ""))
    pad = 64 - (10 + len(text) + 1) % 64
    text = text + " " * pad + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(text)) + text.encode("latin1")
rng = random.Random(21)
block = array.array("f", (rng.gauss(0.0, 1.0) for _ in range(T * F * 1024)))  # 1024 samples, 4 MiB
raw = block.tobytes()
with open(os.path.join(folder, "x.npy"), "wb") as x:
    x.write(header("<f4", (n, T, F)))
    sample = T * F * 4
    for first in range(0, n, 1024):
        count = min(1024, n - first)
        shift = (first // 1024) % 1024 * sample  # rotate by whole samples so blocks differ
        x.write((raw[shift:] + raw[:shift])[: count * sample])
with open(os.path.join(folder, "y.npy"), "wb") as y:
    y.write(header("<i8", (n,)))
    for first in range(0, n, 1 << 20):
        y.write(array.array("q", (i % 10 for i in range(first, min(n, first + (1 << 20))))).tobytes())
print(n)
PY
N=$(python3 -c 'import struct,ast,sys; f=open(sys.argv[1],"rb"); f.read(8); l=struct.unpack("<H",f.read(2))[0]; print(ast.literal_eval(f.read(l).decode())["shape"][0])' "$WORK/data/big/x.npy")
log "x.npy: $N samples, $(du -m "$WORK/data/big/x.npy" | cut -f1) MiB"

cat >"$WORK/job.json" <<JSON
{ "name": "shard-memory", "seed": 21,
  "data": { "kind": "numpy", "path": "big/x.npy", "y": "y.npy", "target": "class", "test_fraction": 0.001 },
  "model": { "layers": [ { "type": "gru", "units": 16 }, { "type": "dense", "units": "classes", "activation": "softmax" } ] },
  "loss": "sparse_categorical_crossentropy", "metrics": ["accuracy"],
  "optimizer": { "type": "adam", "lr": 0.003 },
  "training": { "steps": ${STEPS:-30}, "batch_size": 64, "shards": 4, "checkpoint_every": 1000 } }
JSON
fi

log "building the silo and the client (Release)"
dotnet build -c Release src/Rnn.Silo -v q -nologo >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; fail "build"; }
dotnet build -c Release tests/Rnn.Cluster.Tests -v q -nologo >>"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; fail "build"; }
SILO_DLL=$REPO/src/Rnn.Silo/bin/Release/net10.0/Rnn.Silo.dll
CLIENT_DLL=$REPO/tests/Rnn.Cluster.Tests/bin/Release/net10.0/Rnn.Cluster.Tests.dll

export RNN_Orleans__Membership__ProbeTimeout=00:00:01 RNN_Orleans__Membership__NumMissedProbesLimit=2 \
  RNN_Orleans__Membership__NumVotesForDeathDeclaration=1 RNN_Orleans__Membership__TableRefreshTimeout=00:00:01 \
  RNN_Orleans__Membership__DeathVoteExpirationTimeout=00:00:10 RNN_Training__StepCallDeadline=00:01:00

start_silo() {
  local i=$1; shift
  dotnet "$SILO_DLL" --tokens "$WORK/tokens.txt" --data-roots "$WORK/data" --silo-port $((BASE + i)) --gateway-port $((BASE + 10 + i)) \
    --grpc-port $((BASE + 20 + i)) --grpc-address 127.0.0.1 "$@" >>"$WORK/silo$i.log" 2>&1 &
  SILO_PIDS[$i]=$!
}
stop_silos() { local i; for i in "${!SILO_PIDS[@]}"; do kill "${SILO_PIDS[$i]}" 2>/dev/null || true; wait "${SILO_PIDS[$i]}" 2>/dev/null || true; unset "SILO_PIDS[$i]"; done; }
wait_grpc() { for _ in $(seq 1 240); do if (exec 3<>"/dev/tcp/127.0.0.1/$((BASE + 20 + $1))") 2>/dev/null; then return 0; fi; sleep 0.5; done; fail "silo $1 did not start"; }
client() { dotnet "$CLIENT_DLL" "$@" --token "$TOKEN"; }
mib() { awk -v k="$1" 'BEGIN { printf "%d", k / 1024 }'; }

# snapshot: each silo's VmRSS, RssAnon, RssFile, VmHWM (kB), one line per silo.
snapshot() {
  for i in "${!SILO_PIDS[@]}"; do
    awk -v s="$i" '/^(VmRSS|RssAnon|RssFile|VmHWM):/ { v[$1] = $2 } END { print s, v["VmRSS:"], v["RssAnon:"], v["RssFile:"], v["VmHWM:"] }' \
      "/proc/${SILO_PIDS[$i]}/status" 2>/dev/null || true
  done
}
# sample LABEL: until stopped, a snapshot every 0.5 s into $WORK/LABEL.samples.
sample() { while true; do snapshot >>"$WORK/$1.samples"; sleep 0.5; done; }
# report LABEL: per silo, RssAnon before the job (idle), the largest VmRSS / RssAnon / RssFile seen while training,
# and the peak (VmHWM) at the end, in MiB.
report() {
  awk 'FNR == NR { idle[$1] = $3; next }
       { if ($2 > rss[$1]) rss[$1] = $2; if ($3 > anon[$1]) anon[$1] = $3; if ($4 > file[$1]) file[$1] = $4; hwm[$1] = $5 }
       END { for (s in rss) printf "  silo %s: idle RssAnon %4d | training VmRSS %5d  RssAnon %5d (+%5d)  RssFile %5d | VmHWM %5d  (MiB)\n",
             s, idle[s]/1024, rss[s]/1024, anon[s]/1024, (anon[s]-idle[s])/1024, file[s]/1024, hwm[s]/1024 }' \
    "$WORK/$1.idle" "$WORK/$1.samples" | sort
}

# run LABEL SILOS: the job on SILOS silos (1: localhost clustering; more: Redis), sampled from step 2 to the end.
run() {
  local label=$1 silos=$2 urls="" i
  mkdir -p "$WORK/runs-$label"
  if [[ $silos == 1 ]]; then
    start_silo 1 --clustering localhost --runs "$WORK/runs-$label"
  else
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$WORK/redis" --save "" --appendonly no --logfile "$WORK/redis.log" &
    REDIS_PID=$!
    for i in $(seq 1 "$silos"); do start_silo "$i" --clustering redis --redis "127.0.0.1:$REDIS_PORT" --advertise-address 127.0.0.1 --runs "$WORK/runs-$label"; done
  fi
  for i in $(seq 1 "$silos"); do wait_grpc "$i"; urls+="${urls:+,}http://127.0.0.1:$((BASE + 20 + i))"; done
  sleep 2; snapshot >"$WORK/$label.idle"
  local began=$SECONDS id
  id=$(client submit --urls "$urls" --job "$WORK/job.json" --timeout 900)
  log "$label: submitted (resolution streamed over the file in $((SECONDS - began)) s); waiting for step 2"
  client wait-step --urls "$urls" --id "$id" --step 2 --timeout 900 >/dev/null || fail "$label did not reach step 2"
  sample "$label" & SAMPLER_PID=$!
  HASH=$(client wait-done --urls "$urls" --id "$id" --timeout 1800) || fail "$label did not complete"
  kill "$SAMPLER_PID"; wait "$SAMPLER_PID" 2>/dev/null || true; SAMPLER_PID=""
  log "$label: completed in $((SECONDS - began)) s, parameters_sha256 $HASH"
  [[ -z $HASHES ]] && report "$label"
  stop_silos
  if [[ -n $REDIS_PID ]]; then kill "$REDIS_PID" 2>/dev/null || true; wait "$REDIS_PID" 2>/dev/null || true; REDIS_PID=""; rm -rf "$WORK/redis"/*; fi
}

if [[ -n $HASHES ]]; then
  declare -A H=()
  for s in 1 2 4; do run "silos-$s" "$s"; H[$s]=$HASH; done
  log "parameters_sha256 on 1 / 2 / 4 silos ($N samples, 4 shards):"
  for s in 1 2 4; do printf '  %d silo(s): %s\n' "$s" "${H[$s]}"; done
  [[ ${H[1]} == "${H[2]}" && ${H[1]} == "${H[4]}" ]] || fail "the hashes differ"
  log "PASS: equal on 1, 2 and 4 silos"
  exit 0
fi

log "four silos, one shard each"
run four 4; FOUR=$HASH
log "one silo, all four shards"
run one 1; ONE=$HASH
[[ $FOUR == "$ONE" ]] || fail "4 silos gave $FOUR, 1 silo $ONE"
if [[ -n $TABLE ]]; then
  log "PASS: the same parameters_sha256 on 4 silos and on 1 ($ONE); table.csv was $(du -m "$WORK/data/big/table.csv" | cut -f1) MiB, $N rows"
else
  log "PASS: the same parameters_sha256 on 4 silos and on 1 ($ONE); x.npy was $(( N * 32 * 32 * 4 / 1048576 )) MiB"
fi
