#!/usr/bin/env bash
# Prepares issue 7's GPU check for the device machine, which has no .NET: a self-contained linux-x64 publish of
# `rnn` (ILGPU included), packed as .gpu/rnn.tar.xz (~46 MB; the device tool carries at most 64 MiB with the tree).
# Then, with a device lent: run `bash scripts/gpu-check.sh` there with carry [".gpu"] (docs/gpu.md).
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf .gpu/publish && mkdir -p .gpu
dotnet publish src/Rnn.Client -c Release -r linux-x64 --self-contained true -o .gpu/publish -v quiet -nologo
tar -C .gpu/publish -cJf .gpu/rnn.tar.xz .
rm -rf .gpu/publish
ls -l .gpu/rnn.tar.xz
