#!/usr/bin/env bash
# Checks the silo's Prometheus export for real: a standalone silo with /metrics on a loopback HTTP/1.1 port runs a
# small job, a real Prometheus (Debian's package) scrapes it every second, and Prometheus's HTTP API must return the
# job's rnn_train_loss series with samples in it, and the evaluation gauges (rnn_eval_loss and rnn_eval_accuracy of
# the test and the validation split) labelled with the job's name. Fails (non-zero exit, one clear line on stderr) if
# a series is missing or empty within the wait.
#
# Usage: scripts/prometheus-check.sh            (from anywhere; needs root or an installed prometheus, jq, curl)
# Env:   WAIT_SECONDS (default 60) bounds each wait; STEPS (default 10000, about 25 s of training on a quiet 2-core
#        machine: the job must still train across several 1 s scrapes; the script stops it once the checks pass).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
wait_seconds=${WAIT_SECONDS:-60}
steps=${STEPS:-10000}
started=$SECONDS

fail() { echo "prometheus-check: FAIL: $*" >&2; exit 1; }
log() { echo "prometheus-check: $*" >&2; }

# Everything this script starts is recorded here and stopped on any exit, with its temp folder.
pids=()
work=$(mktemp -d -t prometheus-check.XXXXXX)
cleanup() {
  local status=$?
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [[ $status -ne 0 && -d $work ]]; then
    # Show why before the evidence is removed.
    for f in "$work"/silo.log "$work"/prometheus.log; do
      [[ -s $f ]] && { echo "--- last lines of $(basename "$f")" >&2; tail -n 20 "$f" >&2; }
    done
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- tools: Prometheus from Debian, only if missing; the Debian service is never started (we run the binary) ----
if ! command -v prometheus >/dev/null || ! command -v jq >/dev/null; then
  log "installing prometheus and jq from Debian"
  export DEBIAN_FRONTEND=noninteractive
  # policy-rc.d 101 keeps the package's service from starting during the install (where an init system runs).
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
    remove_policy=1
  fi
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends prometheus jq >/dev/null
  if [[ ${remove_policy:-0} == 1 ]]; then rm -f /usr/sbin/policy-rc.d; fi
fi
command -v curl >/dev/null || fail "curl is needed"

# --- the build: Release once, if the binaries are not there --------------------------------------------------------
silo_dll=$repo/src/Rnn.Silo/bin/Release/net10.0/Rnn.Silo.dll
rnn_dll=$repo/src/Rnn.Client/bin/Release/net10.0/rnn.dll
if [[ ! -f $silo_dll || ! -f $rnn_dll ]]; then
  log "building Release"
  dotnet build -c Release "$repo/src/Rnn.Silo/Rnn.Silo.csproj" -v q -nologo >/dev/null
  dotnet build -c Release "$repo/src/Rnn.Client/Rnn.Client.csproj" -v q -nologo >/dev/null
fi

# --- free loopback ports: silo, gateway, gRPC, /metrics, Prometheus -------------------------------------------------
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
metrics_port=$(free_port); taken[$metrics_port]=1
prometheus_port=$(free_port); taken[$prometheus_port]=1

# --- the silo: Prometheus export on its own HTTP/1.1 port, loopback only --------------------------------------------
token=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
echo "$token prometheus-check" > "$work/tokens.txt"
mkdir -p "$work/runs"
RNN_Telemetry__Prometheus=true RNN_Telemetry__HttpPort=$metrics_port RNN_Telemetry__HttpAddress=127.0.0.1 \
  dotnet "$silo_dll" --tokens "$work/tokens.txt" --runs "$work/runs" --data-roots "$repo/data" --grpc-address 127.0.0.1 --grpc-port "$grpc_port" \
  --silo-port "$silo_port" --gateway-port "$gateway_port" > "$work/silo.log" 2>&1 &
pids+=($!)
silo_pid=$!

deadline=$((SECONDS + wait_seconds))
until curl -fs -o /dev/null "http://127.0.0.1:$metrics_port/metrics"; do
  kill -0 "$silo_pid" 2>/dev/null || fail "the silo exited while starting (log above)"
  (( SECONDS < deadline )) || fail "the silo's /metrics did not answer within ${wait_seconds}s"
  sleep 0.5
done
log "silo up: gRPC 127.0.0.1:$grpc_port, /metrics 127.0.0.1:$metrics_port"

# --- Prometheus: our own config and storage in the temp folder, scraping every second ------------------------------
cat > "$work/prometheus.yml" <<YAML
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: rnn-silo
    static_configs:
      - targets: ['127.0.0.1:$metrics_port']
YAML
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/tsdb" \
  --web.listen-address="127.0.0.1:$prometheus_port" > "$work/prometheus.log" 2>&1 &
pids+=($!)
prometheus_pid=$!
api=http://127.0.0.1:$prometheus_port/api/v1
until curl -fs -o /dev/null "http://127.0.0.1:$prometheus_port/-/ready"; do
  kill -0 "$prometheus_pid" 2>/dev/null || fail "prometheus exited while starting (log above)"
  (( SECONDS < deadline )) || fail "prometheus was not ready within ${wait_seconds}s"
  sleep 0.5
done
# Submit only once Prometheus has scraped the silo: otherwise a short job can be over before the first scrape.
until [[ $(curl -fs --get "$api/query" --data-urlencode 'query=up{job="rnn-silo"}' | jq -r '.data.result[0].value[1] // empty' 2>/dev/null) == 1 ]]; do
  (( SECONDS < deadline )) || fail "prometheus did not scrape the silo's /metrics within ${wait_seconds}s"
  sleep 0.5
done
log "prometheus up and scraping: 127.0.0.1:$prometheus_port ($(prometheus --version 2>&1 | head -n 1))"

# --- a job long enough to be scraped several times while it runs ----------------------------------------------------
cat > "$work/job.json" <<JSON
{
  "name": "prometheus-check",
  "seed": 1,
  "data": { "kind": "mnist-rows", "path": "$repo/data/mnist", "limit": 2048, "validation_fraction": 0.125 },
  "model": { "layers": [ { "type": "lstm", "units": 32 }, { "type": "dense", "units": 10, "activation": "softmax" } ] },
  "loss": "sparse_categorical_crossentropy",
  "metrics": ["accuracy"],
  "optimizer": { "type": "adam", "lr": 0.003 },
  "training": { "steps": $steps, "batch_size": 32, "shards": 2, "mode": "sync", "eval_every": 100 },
  "backend": "cpu"
}
JSON
job_id=$(dotnet "$rnn_dll" submit "$work/job.json" --endpoint "http://127.0.0.1:$grpc_port" --token "$token")
[[ -n $job_id ]] || fail "rnn submit printed no job id"
log "submitted job $job_id"

# --- ask Prometheus for the job's loss series until it has samples --------------------------------------------------
# OpenTelemetry's job.id attribute is exported as the label job_id (Prometheus keeps its own "job" for the target).
selector="rnn_train_loss{job_id=\"$job_id\"}"
deadline=$((SECONDS + wait_seconds))
samples=0
while :; do
  # A range selector returns every scraped sample of the last minute, not just the latest value.
  response=$(curl -fsS --get "$api/query" --data-urlencode "query=$selector[1m]" || true)
  if [[ -n $response && $(jq -r '.status' <<<"$response") == success ]]; then
    samples=$(jq '[.data.result[].values | length] | add // 0' <<<"$response")
    # Several scrapes' worth, so that "non-empty" means a series over time, not one lucky sample.
    (( samples >= 5 )) && break
  fi
  kill -0 "$silo_pid" 2>/dev/null || fail "the silo exited before Prometheus had the series"
  if (( SECONDS >= deadline )); then
    if (( samples == 0 )); then
      names=$(curl -fsS --get "$api/label/__name__/values" | jq -r '[.data[] | select(startswith("rnn_"))] | join(" ")' || true)
      fail "Prometheus has no samples of $selector after ${wait_seconds}s (rnn_ series it has: ${names:-none})"
    fi
    fail "Prometheus has only $samples sample(s) of $selector after ${wait_seconds}s"
  fi
  sleep 1
done

echo "rnn_train_loss of job $job_id, as Prometheus stored it ($samples samples at 1 s scrapes):"
jq -r '.data.result[] | "  series " + (.metric | del(.__name__) | tostring), (.values[] | "  \(.[0])  \(.[1])")' <<<"$response"
jq -e '[.data.result[].values[][1] | tonumber] | all(. > 0 and . < 1e6)' <<<"$response" >/dev/null \
  || fail "the loss samples are not positive finite numbers"
# The gauge keeps its last value after the job ends; samples that change show it was scraped while training.
distinct=$(jq '[.data.result[].values[][1]] | unique | length' <<<"$response")
(( distinct >= 2 )) || fail "all $samples samples are the same value: the job was not scraped while it trained"

# --- every evaluation metric is a gauge, by split, with the job's name beside its id --------------------------------
# The first evaluation is at step 100 (eval_every), a few seconds in; the loss series above is already there by then.
deadline=$((SECONDS + wait_seconds))
for series in rnn_eval_loss rnn_eval_accuracy; do
  for split in test validation; do
    selector="$series{job_id=\"$job_id\",job_name=\"prometheus-check\",split=\"$split\"}"
    until [[ $(curl -fsS --get "$api/query" --data-urlencode "query=$selector" | jq '.data.result | length' 2>/dev/null) -ge 1 ]]; do
      kill -0 "$silo_pid" 2>/dev/null || fail "the silo exited before Prometheus had $selector"
      (( SECONDS < deadline )) || fail "Prometheus has no $selector after ${wait_seconds}s"
      sleep 1
    done
    value=$(curl -fsS --get "$api/query" --data-urlencode "query=$selector" | jq -r '.data.result[0].value[1]')
    echo "  $selector = $value"
  done
done
echo "prometheus-check: OK in $((SECONDS - started))s"
