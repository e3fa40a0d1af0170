# Sourced (not run) by scripts/*-vs-libtorch.sh: the median of the numbers on stdin, and the set-up of a run beside
# libtorch's harness in ../shared/tools/torchref (which only the development machine has): the harness checked, the
# client built, $torchref and $rnn set, and a $scratch folder that is removed on exit.
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# Usage: side_by_side_setup NAME  (NAME prefixes the error when the harness is missing)
side_by_side_setup() {
  torchref=../shared/tools/torchref/run.sh
  [ -x "$torchref" ] || { echo "$1: $torchref not found (the libtorch harness exists only on the development machine)" >&2; exit 2; }
  dotnet build -c Release src/Rnn.Client -v quiet -nologo > /dev/null
  rnn=src/Rnn.Client/bin/Release/net10.0/rnn.dll
  scratch=$(mktemp -d)
  trap 'rm -rf "$scratch"' EXIT
}
