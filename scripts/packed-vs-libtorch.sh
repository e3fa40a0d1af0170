#!/usr/bin/env bash
# Packed (variable-length) training steps, ours against libtorch's, side by side (issue 20): for lstm and gru at
# I=64 H=256 T=64 B=64 with lengths uniform in 1..64, ROUNDS alternating runs of `rnn bench --lengths uniform` (our
# padded and packed step) and torchref's `benchpacked` (nn.LSTM/GRU padded, and through pack_padded_sequence) on the
# very lengths our bench printed, 2 threads each; then the median of each and the ratios.
# Needs the libtorch harness of tools/torchref, built once per machine by tools/torchref/setup.sh (as root).
# Usage: scripts/packed-vs-libtorch.sh [ROUNDS]  (default 3)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
torchref=tools/torchref/run.sh
home=${TORCHREF_HOME:-$HOME/.cache/torchref}
[ -f "$home/bin/torchref.dll" ] || { echo "packed-vs-libtorch: the libtorch harness is not built; run tools/torchref/setup.sh first" >&2; exit 2; }
build=$(dotnet build -c Release src/Rnn.Client -v quiet -nologo 2>&1) || { echo "packed-vs-libtorch: build failed:"$'\n'"$build" >&2; exit 1; }
rnn=src/Rnn.Client/bin/Release/net10.0/rnn.dll
i=64 h=256 t=64 b=64
. scripts/side-by-side.sh  # median
field() { sed -nE "s/.*$1([0-9.]+).*/\\1/p" | head -1; }
printf "| cell (I=%s H=%s T=%s B=%s, lengths uniform 1..%s) | ours padded ms | ours packed ms | ours padded / packed | libtorch padded ms | libtorch packed ms | libtorch packed / ours packed |\n" "$i" "$h" "$t" "$b" "$t"
printf "| --- | --- | --- | --- | --- | --- | --- |\n"
for cell in lstm gru; do
  op=(); ok=(); lp=(); lk=()
  for _ in $(seq "$rounds"); do
    out=$(dotnet "$rnn" bench --cell "$cell" --input "$i" --hidden "$h" --seq "$t" --batch "$b" --threads 2 --lengths uniform)
    op+=("$(echo "$out" | field 'padded median ')"); ok+=("$(echo "$out" | field 'packed median ')")
    lengths=$(echo "$out" | sed -nE 's/^lengths \(longest first\): ([0-9,]+)$/\1/p')
    [ -n "$lengths" ] || { echo "packed-vs-libtorch: rnn bench printed no lengths:"$'\n'"$out" >&2; exit 1; }
    ref=$("$torchref" benchpacked "$cell" "$i" "$h" "$t" "$b" 2 "$lengths" 2>&1 | tail -1)
    lp+=("$(echo "$ref" | field 'padded_ms_median=')"); lk+=("$(echo "$ref" | field 'packed_ms_median=')")
    [ -n "${lk[-1]}" ] || { echo "packed-vs-libtorch: torchref benchpacked failed:"$'\n'"$ref" >&2; exit 1; }
  done
  a=$(printf "%s\n" "${op[@]}" | median); c=$(printf "%s\n" "${ok[@]}" | median)
  d=$(printf "%s\n" "${lp[@]}" | median); e=$(printf "%s\n" "${lk[@]}" | median)
  printf "| %s | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f |\n" "$cell" "$a" "$c" "$(echo "$a / $c" | bc -l)" "$d" "$e" "$(echo "$e / $c" | bc -l)"
done
