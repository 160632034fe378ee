#!/usr/bin/env bash
# jllm vs llama.cpp, side by side on the same files (issue #18's table): for each type, `jllm bench` and
# `llama-bench` alternate (two rounds each, -p 128 -n 64 -t 2 -r 3), then the stories260K one-thread decode row and
# the 4-streams-vs-1 aggregate (EngineThroughput). Prints markdown tables; no network. About 15 minutes on 2 cores.
#
#   bench/side-by-side.sh                      # all: Q4_0 Q4_K_M Q8_0 F16, stories260K, streams
#   TYPES="Q4_0" ROUNDS=1 STREAMS=0 STORIES=0 bench/side-by-side.sh    # a subset
#
# The machine should be quiet (`uptime` load well below the thread count): the two programs share it with
# whatever else runs, so only ratios of runs made back to back mean anything.
set -euo pipefail
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
LLAMA_BENCH="${LLAMA_BENCH:-/tmp/llcpp/build/bin/llama-bench}"
TYPES="${TYPES-Q4_0 Q4_K_M Q8_0 F16}"   # set but empty: no TinyLlama rows
ROUNDS="${ROUNDS:-2}"
STORIES="${STORIES:-1}"
STREAMS="${STREAMS:-1}"
VOCAB=../shared/testdata/vocab/ggml-vocab-llama-spm.gguf
[ -x "$LLAMA_BENCH" ] || { echo "side-by-side: no llama-bench at $LLAMA_BENCH (set LLAMA_BENCH)" >&2; exit 1; }
log="$(mktemp -d)"
: > "$log/table.md"
echo "side-by-side: raw outputs in $log; load at start: $(uptime | sed 's/.*load average: //')" >&2

# "<test> <mean>" for each row of a llama-bench-style markdown table (jllm bench prints the same columns).
rates() {
  awk -F'|' '{ t = ""; r = ""; for (i = 2; i < NF; i++) { f = $i; gsub(/^ +| +$/, "", f);
         if (f ~ /^(pp|tg)[0-9]+$/) t = f; if (f ~ /±/) { split(f, p, " "); r = p[1] } }
       if (t != "" && r != "") print t, r }' "$1"
}

# Runs both programs ROUNDS times on FILE with ARGS; appends "label test jllm llama" rows (means over rounds).
compare() {
  local label="$1" file="$2"; shift 2
  local i
  for ((i = 1; i <= ROUNDS; i++)); do
    # each program starts with the file in the page cache: this guest's memory manager drops idle cached pages, and
    # a run on a file read from disk is slow (tl-Q4_0 tg16 after drop_caches 38.7 tok/s, the next run 56.2)
    cat "$file" > /dev/null
    ./jllm bench -m "$file" "$@" -r 3 > "$log/$label-jllm-$i.md" 2> "$log/$label-jllm-$i.err"
    cat "$file" > /dev/null
    "$LLAMA_BENCH" -m "$file" "$@" -r 3 > "$log/$label-llama-$i.md" 2> "$log/$label-llama-$i.err"
    echo "side-by-side: $label round $i done (load $(uptime | sed 's/.*load average: //'))" >&2
  done
  for t in $(rates "$log/$label-jllm-1.md" | cut -d' ' -f1); do
    local j l
    j=$(cat "$log/$label"-jllm-*.md | rates /dev/stdin | awk -v t="$t" '$1 == t { s += $2; n++; v = v (v ? " / " : "") $2 }
          END { printf "%.2f (%s)", s / n, v }')
    l=$(cat "$log/$label"-llama-*.md | rates /dev/stdin | awk -v t="$t" '$1 == t { s += $2; n++; v = v (v ? " / " : "") $2 }
          END { printf "%.2f (%s)", s / n, v }')
    awk -v a="$label" -v t="$t" -v j="$j" -v l="$l" 'BEGIN { split(j, x, " "); split(l, y, " ");
          printf "| %s | %s | %s | %s | %.2fx |\n", a, t, j, l, (y[1] > 0 ? x[1] / y[1] : 0) }' >> "$log/table.md"
  done
}

mkdir -p target/tl
for T in $TYPES; do
  f="target/tl/tl-$T.gguf"
  if [ ! -f "$f" ]; then
    echo "side-by-side: synthesizing $f" >&2
    ./jllm synth --shape tinyllama-1.1b --type "$T" --vocab "$VOCAB" --out "$f" >&2
  fi
  compare "$T" "$f" -p 128 -n 64 -t 2
done
if [ "$STORIES" = 1 ]; then
  compare "stories260K, 1 thread" ../shared/testdata/stories260K/stories260K.gguf -p 0 -n 64 -t 1
fi

if [ -s "$log/table.md" ]; then
  echo
  echo "jllm vs llama.cpp ($(basename "$LLAMA_BENCH"), -r 3 per run, $ROUNDS alternating rounds; t/s as mean (rounds)):"
  echo
  echo "| file | test | jllm t/s | llama.cpp t/s | jllm / llama.cpp |"
  echo "|---|---|---|---|---|"
  cat "$log/table.md"
fi

if [ "$STREAMS" = 1 ]; then
  f="target/tl/tl-Q4_0.gguf"
  [ -f "$f" ] || ./jllm synth --shape tinyllama-1.1b --type Q4_0 --vocab "$VOCAB" --out "$f" >&2
  echo
  echo "Continuous batching, $f, 2 threads (EngineThroughput: 4 concurrent streams vs 1, aggregate tok/s):"
  echo
  # four rounds: each ratio divides two phases a few seconds apart, and this guest's rate moves between them
  cat "$f" > /dev/null
  bench/run EngineThroughput --model "$f" --threads 2 --tokens 32 --streams 4 --rounds 4 2> "$log/streams.err" \
    | sed 's/^/    /'
fi
echo
echo "load at end: $(uptime | sed 's/.*load average: //')"
