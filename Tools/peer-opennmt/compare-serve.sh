#!/usr/bin/env bash
# Serving side by side: OpenNMT-py 3.5.1's onmt_server (Flask on waitress) against `nmt serve`, on 127.0.0.1,
# with the same load generator (Tools/serve-bench/serve_bench.py): sentences/s and p50/p99 latency at 1, 8
# and 32 concurrent clients, one sentence per request, beam 5, the first SENTENCES lines of
# test_2016_flickr (Moses-tokenized for the peer, raw for us). Three runs: onmt_server on its
# /translator/translate (OMP_NUM_THREADS=2), then `nmt serve` on the same OpenNMT-py route, then on
# /v1/translate. Prints each run's lines and a summary table. BENCHMARKS.md, "Serving", has the results.
#
# Usage: Tools/peer-opennmt/compare-serve.sh VENV OUR_MODEL_DIR [WORKDIR]
#   VENV: python3 -m venv VENV && VENV/bin/pip install torch==2.2.2 opennmt-py==3.5.1 'numpy<2' sacremoses flask
#   OUR_MODEL_DIR: a model directory written by `nmt train recipes/multi30k-en-de.yaml`
#   WORKDIR: the peer's data and model (default /tmp/peer-opennmt): the model is
#     WORKDIR/onmt-run/translate/model_step_PEER_STEPS.pt (PEER_STEPS default 3250, as compare-translate.sh,
#     which trains it; this script does not). The server's config and logs are written there too.
# Environment: SENTENCES (400) requests per level, MAX_SECONDS (60) per level, CLIENTS (1,8,32),
#   PEER_PORT (a free one), STARTUP_SECONDS (300) for onmt_server to load its model.
# Loopback only; every process it starts runs under `timeout` and is stopped on exit, error or Ctrl-C.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
[ $# -ge 2 ] || { sed -n '9,17p' "$0" >&2; exit 2; }
venv=$(cd "$1" && pwd); ours=$(cd "$2" && pwd); work=${3:-/tmp/peer-opennmt}
steps=${PEER_STEPS:-3250}; sentences=${SENTENCES:-400}; max_seconds=${MAX_SECONDS:-60}; clients=${CLIENTS:-1,8,32}
startup=${STARTUP_SECONDS:-300}
shared=$(cd "$repo/../shared" && pwd)
corpus="$shared/corpora/multi30k"
nmt="$repo/.build/release/nmt"
bench="$repo/Tools/serve-bench/serve_bench.py"
[ -x "$nmt" ] || (cd "$repo" && swift build -c release --product nmt)
mkdir -p "$work/onmt-data" && work=$(cd "$work" && pwd) && cd "$work"

if [ ! -s onmt-data/test_2016_flickr.tok.en ]; then "$venv/bin/python" "$here/tok.py" "$corpus" test_2016_flickr; fi
model="$work/onmt-run/translate/model_step_$steps.pt"
if [ ! -f "$model" ]; then
  echo "no peer model at $model; run compare-translate.sh first (it trains one) or set PEER_STEPS to one of:" \
    "$(ls onmt-run/translate 2>/dev/null | sed -n 's/^model_step_\([0-9]*\)\.pt$/\1/p' | tr '\n' ' ')" >&2
  exit 1
fi

# A level runs at most MAX_SECONDS plus one request (60 s at most) per client; a run has 20 warm-up
# requests and the levels, and ours also `nmt translate` on the same lines and a SIGTERM.
levels=$(tr ',' '\n' <<< "$clients" | grep -c .)
run_limit=$(( (levels + 1) * (max_seconds + 60) + 300 ))
peer=""; running=""  # the onmt_server and the serve_bench.py run under way (pids of their `timeout`)
stop() {  # SIGTERM to a process group started under `timeout` (its leader), then wait for it
  local pid=$1
  [ -n "$pid" ] || return 0
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
cleanup() { stop "$running"; running=""; stop "$peer"; peer=""; }
trap cleanup EXIT
trap 'echo "interrupted" >&2; exit 130' INT TERM

# One serve_bench.py run in its own process group (timeout makes one), bounded; its output also to a file.
run_bench() {
  local out=$1; shift
  timeout -k 30 "$run_limit" python3 "$bench" --sentences "$sentences" --max-seconds "$max_seconds" \
    --clients "$clients" "$@" > "$out" 2>&1 &
  running=$!
  local status=0; wait "$running" || status=$?
  running=""
  cat "$out"
  [ "$status" -eq 0 ] || echo "(serve_bench.py exited with $status)"
  return 0
}

# onmt_server's config: one model, id 100, loaded at start, beam 5 on the CPU, never unloaded. batch_size
# only matters inside one request: the server translates each request's segments as one batch.
port=${PEER_PORT:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
config="$work/serve-conf.json"
python3 - "$config" "$(dirname "$model")" "$(basename "$model")" <<'PY'
import json, sys
config, root, model = sys.argv[1:]
json.dump({"models_root": root, "models": [{"id": 100, "models": [model], "timeout": -1, "on_timeout": "to_cpu",
           "load": True, "opt": {"gpu": -1, "beam_size": 5, "batch_size": 32}}]}, open(config, "w"), indent=2)
PY
echo "== OpenNMT-py onmt_server, $(basename "$model"), http://127.0.0.1:$port/translator (log: $work/serve-peer.log)"
OMP_NUM_THREADS=2 timeout -k 10 $(( startup + run_limit + 60 )) "$venv/bin/onmt_server" --ip 127.0.0.1 --port "$port" \
  --url_root /translator -m "$config" > serve-peer.log 2>&1 &
peer=$!
started=$SECONDS
until [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$port/translator/models")" = 200 ]; do
  if ! kill -0 "$peer" 2>/dev/null; then
    tail -20 serve-peer.log >&2; echo "onmt_server died while starting (log above: $work/serve-peer.log)" >&2; exit 1
  fi
  if [ $(( SECONDS - started )) -ge "$startup" ]; then
    tail -20 serve-peer.log >&2; echo "onmt_server did not answer within $startup s" >&2; exit 1
  fi
  sleep 1
done
echo "answering after $(( SECONDS - started )) s"
run_bench serve-peer.txt --url "http://127.0.0.1:$port/translator" --route onmt \
  --input "$work/onmt-data/test_2016_flickr.tok.en"
kill -0 "$peer" 2>/dev/null || echo "(onmt_server was no longer running at the end of its run)"
stop "$peer"; peer=""

input="$corpus/test_2016_flickr.en"
echo "== SwiftNMT nmt serve, $ours, /translator/translate"
run_bench serve-ours-onmt.txt --model "$ours" --input "$input" --route onmt --nmt "$nmt"
echo "== SwiftNMT nmt serve, $ours, /v1/translate"
run_bench serve-ours-v1.txt --model "$ours" --input "$input" --route v1 --nmt "$nmt"

echo
echo "Summary: beam 5, one sentence per request, the first $sentences lines of test_2016_flickr, at most $max_seconds s per level"
python3 - serve-peer.txt serve-ours-onmt.txt serve-ours-v1.txt <<'PY'
import re, sys
names = ["OpenNMT-py onmt_server /translator", "SwiftNMT nmt serve /translator", "SwiftNMT nmt serve /v1"]
line = re.compile(r"^\s*(\d+) clients:\s+(\S+) sentences/s, p50\s+(\S+) ms, p99\s+(\S+) ms, (\S+) sentences per round "
                  r"\((\d+) answers, (\d+) failures")
print(f"| {'server':<36} | clients | sentences/s | p50 ms | p99 ms | per round | answers | failures |")
print(f"|{'-' * 38}|---------|-------------|--------|--------|-----------|---------|----------|")
for name, path in zip(names, sys.argv[1:]):
    rows = [m.groups() for m in map(line.match, open(path, encoding="utf-8")) if m]
    for clients, rate, p50, p99, per_round, answers, failures in rows:
        print(f"| {name:<36} | {clients:>7} | {rate:>11} | {p50:>6} | {p99:>6} | {per_round:>9} | {answers:>7} | {failures:>8} |")
    if not rows:
        print(f"| {name:<36} | (no result; see {path}) |")
for path in sys.argv[2:]:
    for text in open(path, encoding="utf-8"):
        if text.startswith("nmt translate on the same"):
            print(text.rstrip(), f"[{path}]")
PY
