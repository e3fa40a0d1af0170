#!/usr/bin/env bash
# Issue 7 item 4, in one run on the device machine (made ready by scripts/gpu-publish.sh; see docs/gpu.md):
# (a) the libtorch golden cases on the GPU backend, (b) one LSTM training step (forward over T, loss = sum of the
# outputs, backward) timed by `rnn bench` at issue 6's shapes and at I=256 H=1024 T=64 B=256, (c) the same step
# through PyTorch's cuDNN in the same run, (d) STEPS (40) steps of examples/co2-forecast.json on that backend through
# a local silo, (e) which libcublas files the machine has.
# Every command has a time limit, so one hang cannot eat the device lease. Everything goes to $OUT/gpu-check.log
# (./gpu-check.log without $OUT).
# BACKEND=ilgpu-cpu SHAPES="lstm 8 16 4 4" STEPS=2 scripts/gpu-check.sh tries the script itself without a GPU.
set -uo pipefail
cd "$(dirname "$0")/.."
backend=${BACKEND:-cuda}
log=${OUT:-.}/gpu-check.log
shapes=${SHAPES:-"lstm 28 128 28 64;gru 28 128 28 64;rnn 28 128 28 64;lstm 64 256 64 32;lstm 128 512 64 64;gru 128 512 64 64;lstm 256 1024 64 256"}
rnn=(dotnet src/Rnn.Client/bin/Release/net10.0/rnn.dll)
if [ -f .gpu/rnn.tar.xz ]; then
  mkdir -p /tmp/rnn-gpu && tar -C /tmp/rnn-gpu -xJf .gpu/rnn.tar.xz
  rnn=(/tmp/rnn-gpu/rnn)
fi
{
  echo "== device"; nvidia-smi -L 2>&1 || echo "no nvidia-smi"
  echo "== (a) golden cases, backend $backend"
  timeout 120 "${rnn[@]}" golden tests/Rnn.Kernels.Tests/golden --backend "$backend"
  echo "== (b) rnn bench, backend $backend (median of 10 steps after 3 warm-ups)"
  IFS=';' read -ra list <<< "$shapes"
  for shape in "${list[@]}"; do
    read -r cell i h t b <<< "$shape"
    timeout 120 "${rnn[@]}" bench --cell "$cell" --input "$i" --hidden "$h" --seq "$t" --batch "$b" --backend "$backend"
  done
  echo "== (c) PyTorch cuDNN, same step"
  for shape in "${list[@]}"; do
    timeout 120 python3 scripts/cudnn_step.py $shape
  done
  echo "== (d) a job on backend $backend through a local silo (gpu=true metadata, shard placement, executor threads)"
  sed "s/\"backend\": \"auto\"/\"backend\": \"$backend\"/" examples/co2-forecast.json > /tmp/co2-$backend.json
  timeout 180 "${rnn[@]}" train /tmp/co2-$backend.json --steps "${STEPS:-40}" --out /tmp/gpu-check-runs --quiet
  grep -h '"backend"' /tmp/gpu-check-runs/co2-forecast/run.json
  echo "== (e) the cuBLAS libraries on this machine (ILGPU binds libcublas.so.12; CuBlasLibraryResolver adds .13)"
  timeout 60 find /usr /opt /lib /lib64 -name 'libcublas.so.1[0-9]*' 2>/dev/null | sort
} 2>&1 | tee "$log"
