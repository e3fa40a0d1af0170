#!/usr/bin/env bash
# Issue 6's end-to-end comparison, side by side: ROUNDS alternating runs of libtorch's seq-MNIST trainer (torchref
# `mnist`, one LSTM-128, dense 10, Adam 1e-3, batch 64, 2 threads) and ours in local mode (`rnn train
# examples/seq-mnist-lstm1.json`: the same model on one in-process silo, Orleans included). Prints each run's seconds
# per epoch (evaluation included), then the ratio of the median totals and of the median epochs. The first epoch is
# each side's own count from its start (libtorch's elapsed_s, ours the eval event's elapsed_seconds); the later ones are
# differences of when each evaluation ended: libtorch's epoch lines timestamped as they arrive here (its elapsed_s has
# one decimal), ours the eval events' completed_utc (the silo's clock: elapsed_seconds is when the event arrived, after
# the stream's lag of up to 100 ms in local mode). Each round also runs the same model on
# the single-process trainer (Rnn.Benchmarks `trainer`: the kernels with no silo, no grain calls), the bound local
# mode can approach, and prints its median epoch beside.
# Needs the libtorch harness in ../shared/tools/torchref (set up by its setup.sh), which only the development machine
# has. Usage: scripts/e2e-vs-libtorch.sh [ROUNDS]  (default 3)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
epochs=$(sed -nE 's/.*"epochs": *([0-9]+).*/\1/p' examples/seq-mnist-lstm1.json)
. scripts/side-by-side.sh
side_by_side_setup e2e-vs-libtorch
dotnet build -c Release benchmarks/Rnn.Benchmarks -v quiet -nologo > /dev/null
trainer=benchmarks/Rnn.Benchmarks/bin/Release/net10.0/Rnn.Benchmarks.dll
# cumulative seconds (one per line) -> seconds of each epoch (one per line)
epochs_of() { awk '{print $1 - prev; prev = $1}' "$1"; }
# lines "FIRST_EPOCH_CUMULATIVE END_TIME" (end times in seconds on one clock) -> cumulative seconds: the first epoch's
# own count, then the end times' differences from the first
cumulative_of() { awk 'NR == 1 {first = $1; end1 = $2} {printf "%.3f\n", first + $2 - end1}'; }
# stdin lines -> "ARRIVAL_SECONDS LINE"
stamp_lines() { while IFS= read -r line; do printf '%s %s\n' "$(date +%s.%N)" "$line"; done; }
# one table row: NAME, file of cumulative seconds
row() { printf "| %s | %s| %.2f |\n" "$1" "$(epochs_of "$2" | awk '{printf "%.2f ", $1}')" "$(tail -1 "$2")"; }
printf "| run | seconds per epoch 1..%s | total |\n| --- | --- | --- |\n" "$epochs"
for r in $(seq "$rounds"); do
  "$torchref" mnist data/mnist "$epochs" lstm 2 2>&1 | stamp_lines \
    | sed -nE 's/^([0-9.]+) .*elapsed_s=([0-9.]+).*/\2 \1/p' | cumulative_of > "$scratch/libtorch"
  [ "$(wc -l < "$scratch/libtorch")" -eq "$epochs" ] || { echo "e2e-vs-libtorch: torchref mnist did not report $epochs epochs" >&2; exit 1; }
  row "libtorch $r" "$scratch/libtorch"
  dotnet "$rnn" train examples/seq-mnist-lstm1.json --json --out "$scratch/runs" 2>&1 \
    | grep "\"event\":\"eval\"" | sed -nE 's/.*"elapsed_seconds":([0-9.]+),"completed_utc":"([^"]+)".*/\1 \2/p' \
    | while read -r elapsed utc; do echo "$elapsed $(date -d "$utc" +%s.%N)"; done | cumulative_of > "$scratch/ours"
  [ "$(wc -l < "$scratch/ours")" -eq "$epochs" ] || { echo "e2e-vs-libtorch: rnn train did not report $epochs evaluations" >&2; exit 1; }
  row "ours $r" "$scratch/ours"
  for who in libtorch ours; do
    tail -1 "$scratch/$who" >> "$scratch/$who-totals"
    epochs_of "$scratch/$who" >> "$scratch/$who-epochs"
  done
  # The trainer prints each epoch's own seconds ("epoch N: S s (with evaluation)"), not cumulative ones.
  dotnet "$trainer" trainer examples/seq-mnist-lstm1.json 2 2>&1 | sed -nE 's/^epoch [0-9]+: ([0-9.]+) s.*/\1/p' > "$scratch/trainer"
  [ "$(wc -l < "$scratch/trainer")" -eq "$epochs" ] || { echo "e2e-vs-libtorch: the trainer did not report $epochs epochs" >&2; exit 1; }
  printf "| trainer %s (no silo) | %s| %.2f |\n" "$r" "$(awk '{printf "%.2f ", $1}' "$scratch/trainer")" "$(awk '{s += $1} END {print s}' "$scratch/trainer")"
  cat "$scratch/trainer" >> "$scratch/trainer-epochs"
done
lt=$(median < "$scratch/libtorch-totals"); ot=$(median < "$scratch/ours-totals")
le=$(median < "$scratch/libtorch-epochs"); oe=$(median < "$scratch/ours-epochs")
printf "\nmedian total: libtorch %.2f s, ours %.2f s, libtorch / ours %.2f\n" "$lt" "$ot" "$(echo "$lt / $ot" | bc -l)"
printf "median epoch: libtorch %.2f s, ours %.2f s, libtorch / ours %.2f (target: >= 2)\n" "$le" "$oe" "$(echo "$le / $oe" | bc -l)"
te=$(median < "$scratch/trainer-epochs")
printf "median epoch of the single-process trainer (no silo): %.2f s, libtorch / trainer %.2f\n" "$te" "$(echo "$le / $te" | bc -l)"
