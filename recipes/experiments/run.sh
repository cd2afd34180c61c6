#!/usr/bin/env bash
# The long-range experiment: trains the LSTM, GRU and tanh-RNN arms (about 285k parameters each, 3 minutes
# each) and the two exploding-gradient RNN arms (90 seconds each), then draws the curves with `nmt plot`
# into docs/experiments/. About 13 minutes on 2 cores. Run from anywhere: recipes/experiments/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
NMT=.build/release/nmt
[ -x "$NMT" ] || swift build -c release
$NMT build-vocab recipes/experiments/reverse-long-lstm.yaml
for arm in ${ARMS:-lstm gru rnn rnn-large-init-noclip rnn-large-init-clip}; do
  rm -rf "runs/experiments/$arm"
  echo "== $arm" >&2
  # A run that stops on a non-finite loss is part of the result, not a failure of the script.
  $NMT train "recipes/experiments/reverse-long-$arm.yaml" || echo "($arm stopped early)" >&2
done
mkdir -p docs/experiments
$NMT plot runs/experiments/lstm runs/experiments/gru runs/experiments/rnn --output docs/experiments/cells.svg
$NMT plot runs/experiments/rnn-large-init-noclip runs/experiments/rnn-large-init-clip --by-step \
  --output docs/experiments/exploding.svg
for arm in lstm gru rnn; do
  $NMT translate --model "runs/experiments/$arm" --input corpora/reverse-long/test.src --beam 5 \
    | $NMT bleu corpora/reverse-long/test.tgt --score-only | sed "s/^/$arm test BLEU (beam 5): /"
done
