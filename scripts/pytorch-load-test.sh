#!/usr/bin/env bash
# Every model directory loads into real PyTorch: trains tiny models with `rnn train --steps N` (the main example's
# two-layer LSTM stack, a GRU classifier, a GRU forecaster, the character LSTM with its embedding, the seattle-weather
# series and a variable-length bidirectional text_column model, run with its lengths), loads each
# run's model.safetensors into its model.py with load_state_dict(strict=True) (tensors read by an independent numpy
# reader, checked equal to model.py's own reader), runs 100 samples and matches `rnn predict`'s outputs within 1e-4.
# Installs Debian's python3-torch (torch 1.13, large) when missing.
#
# Usage: scripts/pytorch-load-test.sh     (needs root for apt-get, or python3-torch installed)
# Env:   STEPS (default 3) optimizer steps per model.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
steps=${STEPS:-3}
# Debian's interpreter: its python3-torch and python3-numpy are not visible to another python3 on the PATH.
python=/usr/bin/python3

fail() { echo "pytorch-load-test: FAIL: $*" >&2; exit 1; }
log() { echo "pytorch-load-test: $*" >&2; }

work=$(mktemp -d -t pytorch-load-test.XXXXXX)
trap 'rm -rf "$work"' EXIT

if ! "$python" -c 'import torch, numpy' 2>/dev/null; then
  log "installing Debian's python3-torch ($(apt-cache policy python3-torch | awk '/Candidate/ {print $2}'))"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-torch python3-numpy >/dev/null \
    || fail "apt-get install python3-torch failed"
fi
log "torch $("$python" -c 'import torch; print(torch.__version__)')"

dotnet build -c Release "$repo/src/Rnn.Client" -v q -nologo >"$work/build.log" 2>&1 || { cat "$work/build.log"; fail "build"; }
rnn() { dotnet "$repo/src/Rnn.Client/bin/Release/net10.0/rnn.dll" "$@"; }

cd "$repo"
check() {  # check JOB DATA: train, predict 100 samples, compare in PyTorch
  local job=$1 data=$2 name
  name=$("$python" -c 'import json,sys; print(json.load(open(sys.argv[1]))["name"])' "$job")
  rnn train "$job" --steps "$steps" --out "$work/runs" --quiet >"$work/$name.train.log" 2>&1 \
    || { cat "$work/$name.train.log"; fail "rnn train $job"; }
  rnn predict "$work/runs/$name" "$data" --limit 100 --format jsonl -o "$work/$name.jsonl" 2>/dev/null \
    || fail "rnn predict $work/runs/$name $data"
  "$python" "$repo/scripts/pytorch-load-check.py" "$work/runs/$name" "$data" "$work/$name.jsonl" || fail "$name"
}
check examples/seq-mnist-lstm.json data/mnist
check examples/seq-mnist-gru.json data/mnist
# The one-column csv kind (examples/co2-forecast.json is a series now; seattle-weather below covers that kind).
cat >"$work/co2-csv.json" <<'JOB'
{ "name": "co2-csv", "seed": 7,
  "data": { "kind": "csv", "path": "data/timeseries/co2-concentration.csv", "column": "CO2", "window": 24, "horizon": 1 },
  "model": { "layers": [ { "type": "gru", "units": 32 }, { "type": "dense", "units": 1 } ] },
  "loss": "mse", "optimizer": { "type": "adam", "lr": 0.005 },
  "training": { "epochs": 30, "batch_size": 32 } }
JOB
check "$work/co2-csv.json" data/timeseries/co2-concentration.csv
check examples/moby-dick-charlm.json data/text/moby-dick.txt
# A series with normalised features, and a variable-length text_column model with bidirectional layers (concat, then
# average): model.py's lengths against rnn predict's own lengths.
check examples/seattle-weather.json data/timeseries/seattle-weather.csv
cat >"$work/words-bidirectional.json" <<'JOB'
{ "name": "words-bidirectional", "seed": 7,
  "data": { "kind": "text_column", "path": "data/words/words.csv", "text": "word", "target_column": "language", "test_fraction": 0.2 },
  "model": { "layers": [
      { "type": "embedding", "units": 16 },
      { "type": "lstm", "units": 24, "bidirectional": true, "return_sequences": true },
      { "type": "gru", "units": 16, "bidirectional": true, "merge_mode": "ave" },
      { "type": "dense", "units": "classes" } ] },
  "loss": "sparse_categorical_crossentropy", "optimizer": { "type": "adam", "lr": 0.003 },
  "training": { "epochs": 1, "batch_size": 64 } }
JOB
check "$work/words-bidirectional.json" data/words/words.csv
log "PASS"
