#!/usr/bin/env bash
# Translation speed side by side: OpenNMT-py 3.5.1's onmt_translate against `nmt translate`, on the same
# machine in one run, test_2016_flickr (1,000 sentences), batch 32, beam 5 and greedy, whole process
# (start-up, model load, translation, writing), OMP_NUM_THREADS=2 for the peer. Prints one line per
# setting and the ratios. BENCHMARKS.md, "Translation speed", has the results.
#
# Usage: Tools/peer-opennmt/compare-translate.sh VENV OUR_MODEL_DIR [WORKDIR] [-- extra nmt translate flags]
#   VENV: python3 -m venv VENV && VENV/bin/pip install torch==2.2.2 opennmt-py==3.5.1 'numpy<2' sacrebleu sacremoses
#   OUR_MODEL_DIR: a model directory written by `nmt train recipes/multi30k-en-de.yaml` (a 30-minute model)
#   WORKDIR: the peer's data and model (default /tmp/peer-opennmt). The first run trains the peer with
#     ../shared/reference's configuration for PEER_STEPS steps (default 3250, what 30 minutes gave it on the
#     Zen 5) unless WORKDIR/onmt-run/translate/model_step_PEER_STEPS.pt exists; later runs reuse it.
# Repeats each timing REPEATS times (default 3) and reports the median.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
venv=$(cd "$1" && pwd); ours=$(cd "$2" && pwd); work=${3:-/tmp/peer-opennmt}
shift 2; [ $# -gt 0 ] && [ "$1" != "--" ] && shift
[ "${1:-}" = "--" ] && shift
extra=("$@")
steps=${PEER_STEPS:-3250}; repeats=${REPEATS:-3}
shared=$(cd "$repo/../shared" && pwd)
corpus="$shared/corpora/multi30k"
nmt="$repo/.build/release/nmt"
[ -x "$nmt" ] || (cd "$repo" && swift build -c release --product nmt)
mkdir -p "$work/onmt-data" && cd "$work"

if [ ! -s onmt-data/test_2016_flickr.tok.en ]; then "$venv/bin/python" "$here/tok.py" "$corpus" train val test_2016_flickr; fi
model="onmt-run/translate/model_step_$steps.pt"
if [ ! -f "$model" ]; then
  echo "training the peer for $steps steps (about 30 minutes on 2 quiet cores)..." >&2
  sed -e "s/^train_steps: .*/train_steps: $steps/; s/^valid_steps: .*/valid_steps: 100000/" \
      -e "s/^save_checkpoint_steps: .*/save_checkpoint_steps: $steps/; s#^save_model: .*#save_model: onmt-run/translate/model#" \
      "$shared/reference/opennmt-py-config.yaml" > translate-config.yaml
  "$venv/bin/onmt_build_vocab" -config translate-config.yaml -n_sample -1 > translate-vocab.log 2>&1
  OMP_NUM_THREADS=2 "$venv/bin/onmt_train" -config translate-config.yaml > translate-train.log 2>&1
fi

# seconds and peak RSS (MiB) of one command, from /usr/bin/time
timed() { /usr/bin/time -f "%e %M" -o time.out "$@" > /dev/null 2> cmd.err || { cat cmd.err >&2; exit 1; }; awk '{printf "%s %.0f\n", $1, $2/1024}' time.out; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
input="$corpus/test_2016_flickr.en"
sentences=$(wc -l < "$input")
declare -A rate
for beam in 5 1; do
  peer=(); mine=()
  for r in $(seq "$repeats"); do
    read -r s m < <(OMP_NUM_THREADS=2 timed "$venv/bin/onmt_translate" -model "$model" -src onmt-data/test_2016_flickr.tok.en \
      -output peer-beam$beam.tok.de -beam_size $beam -batch_size 32 -batch_type sents)
    peer+=("$s"); peerRSS=$m
    read -r s m < <(timed "$nmt" translate --model "$ours" --input "$input" --output ours-beam$beam.de --beam $beam \
      --batch-size 32 "${extra[@]}")
    mine+=("$s"); ourRSS=$m
  done
  ps=$(printf '%s\n' "${peer[@]}" | median); os=$(printf '%s\n' "${mine[@]}" | median)
  awk -v b="$beam" -v n="$sentences" -v ps="$ps" -v os="$os" -v pm="$peerRSS" -v om="$ourRSS" 'BEGIN {
    printf "beam %d: OpenNMT-py %.1f sentences/s (%.2f s, %s MiB) | SwiftNMT %.1f sentences/s (%.2f s, %s MiB) | ratio %.2f\n",
      b, n / ps, ps, pm, n / os, os, om, ps / os }'
done
# BLEU of both beam-5 outputs (the peer's detokenized with sacremoses), for the record.
"$venv/bin/python" - "$corpus/test_2016_flickr.de" <<'PY'
import sys, sacrebleu
from sacremoses import MosesDetokenizer
md = MosesDetokenizer(lang="de")
refs = [l.rstrip("\n") for l in open(sys.argv[1], encoding="utf-8")]
peer = [md.detokenize(l.split()) for l in open("peer-beam5.tok.de", encoding="utf-8")]
ours = [l.rstrip("\n") for l in open("ours-beam5.de", encoding="utf-8")]
for name, hyp in (("OpenNMT-py", peer), ("SwiftNMT", ours)):
    print(f"beam 5 BLEU {name}: {sacrebleu.corpus_bleu(hyp, [refs]).score:.1f}")
PY
