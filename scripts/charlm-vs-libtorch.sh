#!/usr/bin/env bash
# Issue 22's character-model comparison, side by side: ROUNDS alternating runs of libtorch's character LSTM (torchref
# `charlm`: embedding 64 -> LSTM 256, TBPTT 64 with carried state, batch 32, dense to the vocabulary, Adam 2e-3, clip
# 5, 2 threads) and ours in local mode (`rnn train examples/moby-dick-charlm.json --steps STEPS`: the same model on
# one in-process silo, Orleans, checkpoints every 50 steps and the step protocol included). Each side's figure is the
# wall time of its training loop over STEPS steps, first step's warm-up included, evaluation excluded: libtorch's
# stopwatch at its step=STEPS line (started after its data, model and optimizer exist), ours from the start of step 1
# (its step event's elapsed_seconds less its seconds) to the step event of step STEPS (the silo's start-up and the
# job's set-up, which come before step 1, are printed beside it). Prints steps per second and the ratio of the
# medians (above 1: we are faster; the target is >= 1.5).
# Needs the libtorch harness in ../shared/tools/torchref (set up by its setup.sh), which only the development machine
# has. Usage: scripts/charlm-vs-libtorch.sh [ROUNDS] [STEPS]  (defaults 3 and 400)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
steps=${2:-400}
. scripts/side-by-side.sh
side_by_side_setup charlm-vs-libtorch
printf "| run | seconds for %s steps | steps per second |\n| --- | --- | --- |\n" "$steps"
for r in $(seq "$rounds"); do
  sec=$("$torchref" charlm data/text/moby-dick.txt "$steps" 2 2>&1 | sed -nE "s/.*libtorch charlm step=$steps .*elapsed_s=([0-9.]+).*/\1/p")
  [ -n "$sec" ] || { echo "charlm-vs-libtorch: torchref charlm printed no step=$steps line" >&2; exit 1; }
  printf "| libtorch %s | %s | %.2f |\n" "$r" "$sec" "$(echo "$steps / $sec" | bc -l)"; echo "$sec" >> "$scratch/libtorch"
  dotnet "$rnn" train examples/moby-dick-charlm.json --steps "$steps" --json --out "$scratch/runs" > "$scratch/ours.jsonl" 2>&1 || {
    tail -5 "$scratch/ours.jsonl" >&2; echo "charlm-vs-libtorch: rnn train failed" >&2; exit 1; }
  field() { grep "\"event\":\"step\",\"step\":$1," "$scratch/ours.jsonl" | grep -o "\"$2\":[0-9.]*" | cut -d: -f2; }
  last=$(field "$steps" elapsed_seconds); first=$(field 1 elapsed_seconds); first_step=$(field 1 seconds)
  [ -n "$last" ] && [ -n "$first" ] && [ -n "$first_step" ] || { echo "charlm-vs-libtorch: rnn train reported no step 1 or $steps" >&2; exit 1; }
  sec=$(echo "$last - $first + $first_step" | bc -l)
  printf "| ours %s | %.2f (set-up before step 1: %.2f) | %.2f |\n" "$r" "$sec" "$(echo "$first - $first_step" | bc -l)" "$(echo "$steps / $sec" | bc -l)"
  echo "$sec" >> "$scratch/ours"
done
lt=$(median < "$scratch/libtorch"); ot=$(median < "$scratch/ours")
printf "\nmedian: libtorch %.2f s (%.2f steps/s), ours %.2f s (%.2f steps/s); ours / libtorch steps per second %.2f (target: >= 1.5)\n" \
  "$lt" "$(echo "$steps / $lt" | bc -l)" "$ot" "$(echo "$steps / $ot" | bc -l)" "$(echo "$lt / $ot" | bc -l)"
