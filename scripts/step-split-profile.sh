#!/usr/bin/env bash
# A load-robust estimate of the 2-thread recurrent step from a 1-thread profile (docs/benchmarks.md, "The LSTM 28/128
# step outside the GEMM"): samples inside RecurrentStepBenchmark.RunStep split by whether CpuCompute.ParallelFor is on
# the stack (parallel work) or not (serial on the caller); estimate = serial + parallel / 2, in samples.
# usage: scripts/step-split-profile.sh CELL INPUT HIDDEN SEQ BATCH REPEATS [path/to/rnn.dll]   (needs perf)
set -euo pipefail
cell=$1 input=$2 hidden=$3 seq=$4 batch=$5 repeats=$6
dll=${7:-src/Rnn.Client/bin/Release/net10.0/rnn.dll}
data=$(mktemp /tmp/step-split.XXXXXX)
trap 'rm -f "$data"' EXIT
DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 perf record -q -g -F 2999 -o "$data" -- \
  dotnet "$dll" bench --threads 1 --cell "$cell" --input "$input" --hidden "$hidden" --seq "$seq" --batch "$batch" \
  --repeats "$repeats" > /dev/null
perf script -i "$data" -F tid,ip,sym 2> /dev/null | awk '
  /^ *[0-9]+ *$/ { next }
  NF == 0 { if (inStep) { if (par) p++; else s++ } par = 0; inStep = 0; next }
  { if ($0 ~ /ParallelFor/) par = 1; if ($0 ~ /RecurrentStepBenchmark::RunStep/) inStep = 1 }
  END { printf "serial %d parallel %d estimate %.0f (samples at 2999 Hz over %d steps)\n", s, p, s + p / 2, '"$repeats"' }'
