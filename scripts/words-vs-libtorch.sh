#!/usr/bin/env bash
# Issue 21's words-language comparison, side by side: ROUNDS alternating runs of libtorch's words trainer (torchref
# `words`: embedding 32 -> GRU 128 on packed sequences -> dense 11, Adam 3e-3, batch 64, 10 epochs, 2 threads, the
# last 20% of words.csv's rows as the test split) and ours in local mode (`rnn train examples/words-language.json`:
# the same model and test rows through one in-process silo; the example also holds 10% of the rows out for validation
# and decays the learning rate from 3e-3 to 0 on a cosine, docs/benchmarks.md says why). One seed each (libtorch's
# harness has none: it always draws seed 1), so the accuracies are one draw; scripts/words-seeds.sh compares means
# over seeds. Prints each run's test accuracy after the last epoch
# and its seconds from the start of training to the last epoch's evaluation (both evaluate the test split after
# every epoch), then the medians and the ratio libtorch / ours (above 1: we are faster).
# Needs the libtorch harness in ../shared/tools/torchref (set up by its setup.sh), which only the development machine
# has. Usage: scripts/words-vs-libtorch.sh [ROUNDS]  (default 3)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
epochs=$(sed -nE 's/.*"epochs": *([0-9]+).*/\1/p' examples/words-language.json)
. scripts/side-by-side.sh
side_by_side_setup words-vs-libtorch
printf "| run | test accuracy after epoch %s | seconds |\n| --- | --- | --- |\n" "$epochs"
for r in $(seq "$rounds"); do
  line=$("$torchref" words data/words/words.csv "$epochs" gru 2 2>&1 | grep 'libtorch words final')
  acc=$(sed -nE 's/.*test_acc=([0-9.]+).*/\1/p' <<<"$line"); sec=$(sed -nE 's/.*elapsed_s=([0-9.]+).*/\1/p' <<<"$line")
  [ -n "$acc" ] && [ -n "$sec" ] || { echo "words-vs-libtorch: torchref words printed no final line" >&2; exit 1; }
  printf "| libtorch %s | %s | %s |\n" "$r" "$acc" "$sec"; echo "$sec" >> "$scratch/libtorch"
  dotnet "$rnn" train examples/words-language.json --json --out "$scratch/runs" > "$scratch/ours.jsonl" 2>&1
  evals=$(grep -c '"event":"eval"' "$scratch/ours.jsonl" || true)
  [ "$evals" -ge "$epochs" ] || { echo "words-vs-libtorch: rnn train reported $evals evaluations, expected $epochs" >&2; exit 1; }
  sec=$(grep '"event":"eval"' "$scratch/ours.jsonl" | tail -1 | grep -o '"elapsed_seconds":[0-9.]*' | cut -d: -f2)
  acc=$(grep '"event":"summary"' "$scratch/ours.jsonl" | grep -o '"accuracy":[0-9.]*' | head -1 | cut -d: -f2)
  printf "| ours %s | %.4f | %s |\n" "$r" "$acc" "$sec"; echo "$sec" >> "$scratch/ours"
done
lt=$(median < "$scratch/libtorch"); ot=$(median < "$scratch/ours")
printf "\nmedian seconds: libtorch %.2f, ours %.2f, libtorch / ours %.2f\n" "$lt" "$ot" "$(echo "$lt / $ot" | bc -l)"
