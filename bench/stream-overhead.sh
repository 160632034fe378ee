#!/usr/bin/env bash
# Per-token streaming overhead: the server's streamed tokens/s next to `jllm bench` tg on the same model and threads.
#
#   bench/stream-overhead.sh MODEL.gguf [THREADS=2] [TOKENS=256] [ROUNDS=3] [APP_DIR=server/target]
#
# APP_DIR holds jllm.jar and its lib/ (copy server/target somewhere to compare two builds side by side: run the
# script once per build, alternating). Each round starts `jllm serve` on a free port and streams raw completions
# (/v1/completions, greedy, max_tokens TOKENS, the end-of-text token banned with logit_bias so it never stops
# early), timing the tokens after the first (one warm-up stream, then the median of three), between two runs of
# `jllm bench -p 16 -n TOKENS` (tg tokens/s, their mean): the ratio server/bench is what the HTTP, SSE and
# streaming layers cost per token. Prints one line per round and the median ratio. The machine's load (uptime)
# is printed first: the numbers mean little on a busy machine.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
model="$(readlink -f "$1")"
threads="${2:-2}"
tokens="${3:-256}"
rounds="${4:-3}"
app="${5:-$here/server/target}"
: "${JAVA_HOME:=/usr/lib/jvm/temurin-25-jdk-amd64}"
java=("$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED
      -XX:+UseParallelGC -jar "$app/jllm.jar")
work="$(mktemp -d)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "# $(uptime)"
echo "# model $(basename "$model"), threads $threads, tokens $tokens, app $app"
bench_tg() {
  "${java[@]}" bench -m "$model" -p 16 -n "$tokens" -t "$threads" -r 3 --format=json 2>/dev/null \
    | python3 -c 'import json,sys; print(json.loads(sys.stdin.read().strip().splitlines()[-1])["tg"]["tps"])'
}
ratios=()
for round in $(seq 1 "$rounds"); do
  bench_before=$(bench_tg)

  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  JLLM_HOME="$work/home" "${java[@]}" serve --model "$model" --alias m --port "$port" --threads "$threads" \
    --parallel 1 >"$work/serve.log" 2>&1 &
  server_pid=$!
  serve_tps=$(python3 - "$port" "$tokens" <<'PY'
import http.client, json, sys, time
port, tokens = int(sys.argv[1]), int(sys.argv[2])
deadline = time.time() + 120
while True:  # wait for the server
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        c.request("GET", "/health")
        if c.getresponse().status == 200:
            break
    except OSError:
        pass
    if time.time() > deadline:
        sys.exit("the server did not start")
    time.sleep(0.2)

def stream():
    body = json.dumps({"model": "m", "prompt": "Once upon a time, there was a little girl named Lily. She",
                       "max_tokens": tokens, "temperature": 0, "stream": True,
                       "stream_options": {"include_usage": True}, "logit_bias": {"2": -100}})
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    c.request("POST", "/v1/completions", body, {"Content-Type": "application/json"})
    r = c.getresponse()
    assert r.status == 200, r.read()
    first = last = None
    usage = None
    for line in r:
        line = line.strip()
        if not line.startswith(b"data: ") or line == b"data: [DONE]":
            continue
        o = json.loads(line[6:])
        if o.get("usage"):
            usage = o["usage"]
        if any(ch.get("text") for ch in o.get("choices", [])):
            now = time.perf_counter()
            first = first or now
            last = now
    n = usage["completion_tokens"]
    assert n == tokens, f"stopped after {n} tokens"
    return (n - 1) / (last - first)

stream()  # warm-up (JIT)
print(f"{sorted(stream() for _ in range(3))[1]:.2f}")
PY
)
  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
  bench_tps=$(python3 -c "print(f'{($bench_before + $(bench_tg)) / 2:.2f}')")
  ratio=$(python3 -c "print(f'{$serve_tps / $bench_tps:.3f}')")
  ratios+=("$ratio")
  echo "round $round: bench tg $bench_tps t/s, server $serve_tps t/s, server/bench $ratio"
done
printf '%s\n' "${ratios[@]}" | sort -n | awk '{a[NR]=$1} END {print "median server/bench " a[int((NR+1)/2)]}'
