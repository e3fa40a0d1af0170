#!/usr/bin/env bash
# Issue 21's words-language accuracy over several seeds, ours against libtorch's, so that the comparison is of means
# and not of one draw (accuracy only: no timing, so it may run on a busy machine). The libtorch harness
# (../shared/tools/torchref, `words` verb) has no seed argument (manual_seed(1), shuffling generator seeded 1); this
# script builds a copy of it under a temporary folder in which TORCHREF_SEED replaces both 1s and TORCHREF_COSINE=1
# sets PyTorch's learning rate before every step to our cosine schedule's (3e-3 -> 0 at the last step, as
# optimizer.schedule {"type": "cosine", "min_lr": 0}). Run with OMP_WAIT_POLICY=PASSIVE: on a loaded machine
# libtorch's spinning OpenMP threads made one run take 11 minutes instead of 1-2 (the results are the same).
# Ours: examples/words-language.json with its "seed" replaced, trained by `rnn train` in local mode.
#   --ours example    the example as it is (validation split 0.1, cosine schedule)           [default]
#   --ours constant   the harness's recipe: no validation split (all 80% train), constant lr 3e-3
#   --ours cosine     no validation split, cosine schedule
#   --libtorch constant|cosine                                                            [default constant]
# Usage: scripts/words-seeds.sh [--ours R] [--libtorch R] [SEED ...]   (default seeds 1 2 3 7)
set -euo pipefail
cd "$(dirname "$0")/.."
ours=example; lt=constant
while [[ $# -gt 0 && $1 == --* ]]; do
  case $1 in
    --ours) ours=$2; shift 2 ;;
    --libtorch) lt=$2; shift 2 ;;
    *) echo "words-seeds: unknown option $1" >&2; exit 2 ;;
  esac
done
[[ $ours =~ ^(example|constant|cosine)$ ]] || { echo "words-seeds: --ours must be example, constant or cosine" >&2; exit 2; }
[[ $lt =~ ^(constant|cosine)$ ]] || { echo "words-seeds: --libtorch must be constant or cosine" >&2; exit 2; }
seeds=("$@"); [[ ${#seeds[@]} -gt 0 ]] || seeds=(1 2 3 7)
src=../shared/tools/torchref
home=${TORCHREF_HOME:-$HOME/.cache/torchref}
[[ -f $src/Program.cs && -x $home/dotnet/dotnet ]] || { echo "words-seeds: the libtorch harness ($src, set up by its setup.sh) is not here" >&2; exit 2; }
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/torchref"
cp "$src/Program.cs" "$src/torchref.csproj" "$scratch/torchref/"
python3 - "$scratch/torchref/Program.cs" <<'PY'
import sys
path = sys.argv[1]; s = open(path).read()
at = s.index('public static void Words(')
head, words = s[:at], s[at:]
def swap(old, new):
    global words
    if old not in words: sys.exit(f"words-seeds: the harness's Words no longer has `{old}`; update this script")
    words = words.replace(old, new, 1)
swap('torch.manual_seed(1);', 'int seed = int.Parse(Environment.GetEnvironmentVariable("TORCHREF_SEED") ?? "1"); torch.manual_seed(seed);')
swap('new torch.Generator(1);', 'new torch.Generator((ulong)seed); bool cosine = Environment.GetEnvironmentVariable("TORCHREF_COSINE") == "1"; '
     'long totalSteps = (long)epochs * ((ntr + 63) / 64), stepNo = 0;')
swap('opt.step();', 'if (cosine) { double pr = Math.Min(1.0, (double)stepNo / (totalSteps - 1)); '
     'foreach (var g in opt.ParamGroups) g.LearningRate = 3e-3 * 0.5 * (1 + Math.Cos(Math.PI * pr)); } stepNo++; opt.step();')
open(path, 'w').write(head + words)
PY
(cd "$scratch/torchref" && dotnet build -c Release -o "$scratch/torchref/bin" -v quiet -nologo > "$scratch/build.log" 2>&1) \
  || { cat "$scratch/build.log" >&2; exit 1; }
dotnet build -c Release src/Rnn.Client -v quiet -nologo > /dev/null
rnn=src/Rnn.Client/bin/Release/net10.0/rnn.dll
epochs=$(sed -nE 's/.*"epochs": *([0-9]+).*/\1/p' examples/words-language.json)
printf "| seed | libtorch (%s) test accuracy after epoch %s | ours (%s) |\n| --- | --- | --- |\n" "$lt" "$epochs" "$ours"
for seed in "${seeds[@]}"; do
  line=$(TORCHREF_SEED=$seed TORCHREF_COSINE=$([[ $lt == cosine ]] && echo 1 || echo 0) OMP_WAIT_POLICY=PASSIVE \
    LD_LIBRARY_PATH=$home/libs "$home/dotnet/dotnet" "$scratch/torchref/bin/torchref.dll" words data/words/words.csv "$epochs" gru 2 2>&1 \
    | grep 'libtorch words final')
  lacc=$(sed -nE 's/.*test_acc=([0-9.]+).*/\1/p' <<<"$line")
  [[ -n $lacc ]] || { echo "words-seeds: torchref words printed no final line for seed $seed" >&2; exit 1; }
  job=$scratch/words-$seed.json
  python3 - "$job" "$seed" "$ours" <<'PY'
import json, sys
path, seed, recipe = sys.argv[1], int(sys.argv[2]), sys.argv[3]
j = json.load(open('examples/words-language.json'))
j['seed'] = seed
if recipe != 'example': j['data'].pop('validation_fraction', None)
if recipe == 'constant': j['optimizer'].pop('schedule', None)
if recipe == 'cosine': j['optimizer']['schedule'] = {'type': 'cosine', 'min_lr': 0}
json.dump(j, open(path, 'w'))
PY
  dotnet "$rnn" train "$job" --json --out "$scratch/runs" > "$scratch/ours.jsonl" 2>&1 \
    || { tail -5 "$scratch/ours.jsonl" >&2; exit 1; }
  oacc=$(grep '"event":"summary"' "$scratch/ours.jsonl" | grep -o '"accuracy":[0-9.]*' | head -1 | cut -d: -f2)
  printf "| %s | %s | %.4f |\n" "$seed" "$lacc" "$oacc"
  echo "$lacc $oacc" >> "$scratch/pairs"
done
awk '{l += $1; o += $2; n++} END {printf "\nmean over %d seeds: libtorch %.4f, ours %.4f, ours - libtorch %+.4f\n", n, l / n, o / n, (o - l) / n}' "$scratch/pairs"
