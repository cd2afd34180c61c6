#!/usr/bin/env bash
# One process with 2 GEMM threads against `mpirun -np 2` with 1 thread each, on the reference recipe
# (Multi30k, the OpenNMT-py peer's shape), back to back on this machine; then the ring-allreduce table of
# docs/scaling.md from the measured time per update. BENCHMARKS.md, "Data-parallel training", has the result.
# Needs: Multi30k in ../shared/corpora/multi30k (or corpora/multi30k), Open MPI (make deps).
# Usage: Tools/mpi-scaling/run.sh [STEPS] [WORKDIR]        (about 4 minutes with the default 150 steps)
set -euo pipefail
cd "$(dirname "$0")/../.."
steps=${1:-150}; work=${2:-/tmp/nmt-mpi-scaling}
mkdir -p "$work"
for f in train val test_2016_flickr; do for l in en de; do
  [ -s corpora/multi30k/$f.$l ] || ln -sf "$(cd ../shared/corpora/multi30k && pwd)/$f.$l" corpora/multi30k/$f.$l
done; done
swift build -c release --product nmt >/dev/null
nmt=.build/release/nmt
recipe=recipes/multi30k-en-de-reference.yaml
common=(--set vocab.directory="$work/vocab" --set train.max_steps="$steps" --set train.validate_every=100000 --set train.log_every=25)
[ -s "$work/vocab/target.vocab" ] || "$nmt" build-vocab "$recipe" --set vocab.directory="$work/vocab" >/dev/null 2>&1

# Target tokens/s over the train events after the first (the first holds start-up), from metrics.jsonl.
rate() {
  python3 - "$1" <<'PY'
import json, sys
events = [json.loads(l) for l in open(sys.argv[1]) if '"event":"train"' in l][1:]
tokens = sum(e["target_tokens"] for e in events); seconds = sum(e["seconds"] for e in events)
steps = 25 * len(events)
print(f"{tokens / seconds:.0f} {seconds / steps:.4f}")
PY
}
run() {  # NAME, then the command
  local name=$1; shift
  rm -rf "$work/$name"
  "$@" "$recipe" --output "$work/$name" "${common[@]}" "${extra[@]}" >"$work/$name.log" 2>&1
  read -r tps spu < <(rate "$work/$name/metrics.jsonl")
  echo "$name $tps $spu"
}
mpi=(mpirun --allow-run-as-root --oversubscribe -np 2 -x OMP_NUM_THREADS=1 --bind-to core --mca btl self,vader "$nmt" train)
echo "# name target_tokens_per_second seconds_per_update"
extra=(); OMP_NUM_THREADS=2 run one-process-2-threads "$nmt" train
extra=(); run two-ranks-1-thread-same-batch "${mpi[@]}"
extra=(--set train.batch_sentences=32); run two-ranks-1-thread-same-update "${mpi[@]}"
extra=(--set train.accumulate=2); OMP_NUM_THREADS=2 run one-process-accumulate-2 "$nmt" train
params=$(grep -o '[0-9]* parameters' "$work/one-process-2-threads.log" | head -1 | cut -d' ' -f1)
echo "parameters $params"
