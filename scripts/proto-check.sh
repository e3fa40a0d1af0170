#!/usr/bin/env bash
# The public API's proto, linted and guarded: `buf lint` (STANDARD plus COMMENTS: a doc comment on every service,
# method, message, field, enum value and oneof) and `buf breaking` against the last released proto
# (src/Rnn.Contracts/ReleasedProtos/). Rules and their exceptions: src/Rnn.Contracts/Protos/buf.yaml; policy: docs/api.md.
#
# The buf CLI comes from npm (@bufbuild/buf, pinned below), installed into a cache folder outside the repository, once.
# Usage: scripts/proto-check.sh        Env: BUF_TOOLS (default ~/.cache/rnn-distributed/buf-VERSION) is that folder.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
version=1.75.0
tools=${BUF_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/rnn-distributed/buf-$version}
buf=$tools/node_modules/.bin/buf

fail() { echo "proto-check: FAIL: $*" >&2; exit 1; }

if [[ ! -x $buf || $("$buf" --version 2>/dev/null) != "$version" ]]; then
  if ! command -v npm >/dev/null; then
    echo "proto-check: installing npm from Debian" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends npm >/dev/null \
      || fail "npm is needed to install @bufbuild/buf $version (apt-get install npm)"
  fi
  echo "proto-check: installing @bufbuild/buf@$version into $tools" >&2
  mkdir -p "$tools"
  npm install --prefix "$tools" --no-save --no-audit --no-fund --silent "@bufbuild/buf@$version" >&2
fi

cd "$repo/src/Rnn.Contracts/Protos"
"$buf" lint || fail "buf lint found the problems above"
"$buf" breaking --against ../ReleasedProtos || fail "breaking changes against src/Rnn.Contracts/ReleasedProtos (above)"
echo "proto-check: buf $version: lint clean, no breaking change against ReleasedProtos" >&2
echo "proto-check: 2 passed, 0 failed"
