#!/usr/bin/env bash
# Seeds the fuzz corpora from the built-in scenarios (the replayed day's CSV after a
# NUL byte, as the targets read it). Usage: fuzz/seed-corpus.sh
set -euo pipefail
cd "$(dirname "$0")"
for target in load run; do
  mkdir -p "corpus/$target"
  for f in ../scenarios/*.toml; do
    name=$(basename "$f" .toml)
    csv=$(grep -Eo '"[^"]+\.csv"' "$f" | head -n 1 | tr -d '"' || true)
    if [ -n "$csv" ]; then
      { cat "$f"; printf '\0'; cat "../scenarios/$csv"; } >"corpus/$target/$name"
    else
      cp "$f" "corpus/$target/$name"
    fi
  done
done
