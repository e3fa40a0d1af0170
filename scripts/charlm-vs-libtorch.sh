#!/usr/bin/env bash
# Issue 22's character-model comparison, side by side: ROUNDS alternating runs of libtorch's character LSTM (torchref
# `charlm`: embedding 64 -> LSTM 256, TBPTT 64 with carried state, batch 32, dense to the vocabulary, Adam 2e-3, clip
# 5, 2 threads) and ours in local mode (`rnn train examples/moby-dick-charlm.json --steps STEPS`: the same model on
# one in-process silo, Orleans, checkpoints every 50 steps and the step protocol included). Each side's figure is the
# wall time of STEPS training steps: libtorch's stopwatch at its step=STEPS line (started after the data is in
# memory), ours the last step event's elapsed_seconds (since the start event; the silo's start-up is before it, the
# shard's first data load after it). Evaluation is excluded on both sides. Prints steps per second and the ratio of
# the medians (above 1: we are faster; the target is >= 1.5).
# Needs the libtorch harness in ../shared/tools/torchref (set up by its setup.sh), which only the development machine
# has. Usage: scripts/charlm-vs-libtorch.sh [ROUNDS] [STEPS]  (defaults 3 and 400)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
steps=${2:-400}
torchref=../shared/tools/torchref/run.sh
[ -x "$torchref" ] || { echo "charlm-vs-libtorch: $torchref not found (the libtorch harness exists only on the development machine)" >&2; exit 2; }
dotnet build -c Release src/Rnn.Client -v quiet -nologo > /dev/null
rnn=src/Rnn.Client/bin/Release/net10.0/rnn.dll
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
printf "| run | seconds for %s steps | steps per second |\n| --- | --- | --- |\n" "$steps"
for r in $(seq "$rounds"); do
  sec=$("$torchref" charlm data/text/moby-dick.txt "$steps" 2 2>&1 | sed -nE "s/.*libtorch charlm step=$steps .*elapsed_s=([0-9.]+).*/\1/p")
  [ -n "$sec" ] || { echo "charlm-vs-libtorch: torchref charlm printed no step=$steps line" >&2; exit 1; }
  printf "| libtorch %s | %s | %.2f |\n" "$r" "$sec" "$(echo "$steps / $sec" | bc -l)"; echo "$sec" >> "$scratch/libtorch"
  dotnet "$rnn" train examples/moby-dick-charlm.json --steps "$steps" --json --out "$scratch/runs" > "$scratch/ours.jsonl" 2>&1 || {
    tail -5 "$scratch/ours.jsonl" >&2; echo "charlm-vs-libtorch: rnn train failed" >&2; exit 1; }
  sec=$(grep "\"event\":\"step\",\"step\":$steps," "$scratch/ours.jsonl" | grep -o '"elapsed_seconds":[0-9.]*' | cut -d: -f2)
  [ -n "$sec" ] || { echo "charlm-vs-libtorch: rnn train reported no step $steps" >&2; exit 1; }
  printf "| ours %s | %s | %.2f |\n" "$r" "$sec" "$(echo "$steps / $sec" | bc -l)"; echo "$sec" >> "$scratch/ours"
done
lt=$(median < "$scratch/libtorch"); ot=$(median < "$scratch/ours")
printf "\nmedian: libtorch %.2f s (%.2f steps/s), ours %.2f s (%.2f steps/s); ours / libtorch steps per second %.2f (target: >= 1.5)\n" \
  "$lt" "$(echo "$steps / $lt" | bc -l)" "$ot" "$(echo "$steps / $ot" | bc -l)" "$(echo "$lt / $ot" | bc -l)"
