#!/usr/bin/env bash
# Our recurrent-layer training step against libtorch's, side by side: for each shape, ROUNDS alternating runs of
# `rnn bench` and torchref's bench (2 threads each), then the median of each and their ratio.
# Needs the libtorch harness in ../shared/tools/torchref (set up by its setup.sh), which only the development machine
# has. Usage: scripts/bench-vs-libtorch.sh [ROUNDS] ["cell I H T B" ...]  (defaults: 3 rounds, the issue's shapes)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
shift || true
shapes=("$@")
if [ ${#shapes[@]} -eq 0 ]; then
  shapes=("lstm 28 128 28 64" "gru 28 128 28 64" "rnn 28 128 28 64" "lstm 64 256 64 32" "lstm 128 512 64 64" "gru 128 512 64 64")
fi
. scripts/side-by-side.sh
side_by_side_setup bench-vs-libtorch
printf "| cell I H T B | libtorch ms (median of %s) | ours ms | libtorch / ours |\n| --- | --- | --- | --- |\n" "$rounds"
for shape in "${shapes[@]}"; do
  read -r cell i h t b <<< "$shape"
  ours=(); theirs=()
  for _ in $(seq "$rounds"); do
    # rnn bench prints two lines (the step, then the instruction set and peak): take the median from the first only.
    ours+=("$(dotnet "$rnn" bench --cell "$cell" --input "$i" --hidden "$h" --seq "$t" --batch "$b" --threads 2 | sed -nE 's/.*median ([0-9.]+) ms.*/\1/p' | head -1)")
    theirs+=("$("$torchref" bench "$cell" "$i" "$h" "$t" "$b" 2 2>&1 | tail -1 | sed -nE 's/.*step_ms_median=([0-9.]+).*/\1/p')")
    [ -n "${ours[-1]}" ] && [ -n "${theirs[-1]}" ] || { echo "bench-vs-libtorch: no median from rnn bench or torchref for $shape" >&2; exit 1; }
  done
  o=$(printf "%s\n" "${ours[@]}" | median); l=$(printf "%s\n" "${theirs[@]}" | median)
  printf "| %s | %.2f | %.2f | %.2f |\n" "$shape" "$l" "$o" "$(echo "$l / $o" | bc -l)"
done
