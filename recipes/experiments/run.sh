#!/usr/bin/env bash
# The long-range experiment: trains the LSTM, GRU and tanh-RNN arms (about 285k parameters each, 3 minutes
# each), the same three without attention (vanishing gradients), and the two exploding-gradient RNN arms
# (90 seconds each), then draws the curves with `nmt plot` into docs/experiments/. About 26 minutes on
# 2 cores. Run from anywhere: recipes/experiments/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
NMT=.build/release/nmt
[ -x "$NMT" ] || swift build -c release
$NMT build-vocab recipes/experiments/reverse-long-lstm.yaml
for arm in ${ARMS:-lstm gru rnn lstm-no-attention lstm-no-attention-forget-bias gru-no-attention rnn-no-attention rnn-large-init-noclip rnn-large-init-clip}; do
  rm -rf "runs/experiments/$arm"
  echo "== $arm" >&2
  # The arms without attention are the cells' recipes with model.attention=none: the decoder then sees the
  # source only through the bridge, and every gradient to an early source token crosses the whole recurrence.
  # Their hidden sizes (H, D = 2H) bring each back to about 282,000 parameters. The forget-bias arm is the
  # LSTM with its forget gates' biases started at 1 instead of 0.
  recipe="recipes/experiments/reverse-long-$arm.yaml"
  extra=()
  case $arm in
    lstm-no-attention*) sizes=(68 136) ;;
    gru-no-attention) sizes=(80 160) ;;
    rnn-no-attention) sizes=(120 240) ;;
  esac
  case $arm in
    *-no-attention*) recipe="recipes/experiments/reverse-long-${arm%%-*}.yaml"
                     extra=(--set model.attention=none --set "model.encoder_hidden=${sizes[0]}"
                            --set "model.decoder_hidden=${sizes[1]}" --output "runs/experiments/$arm") ;;
  esac
  case $arm in *-forget-bias) extra+=(--set model.forget_bias=1) ;; esac
  # A run that stops on a non-finite loss is part of the result, not a failure of the script.
  $NMT train "$recipe" "${extra[@]}" || echo "($arm stopped early)" >&2
done
mkdir -p docs/experiments
$NMT plot runs/experiments/lstm runs/experiments/gru runs/experiments/rnn --output docs/experiments/cells.svg
$NMT plot runs/experiments/lstm-no-attention runs/experiments/gru-no-attention runs/experiments/rnn-no-attention \
  runs/experiments/lstm-no-attention-forget-bias --output docs/experiments/vanishing.svg
$NMT plot runs/experiments/rnn-large-init-noclip runs/experiments/rnn-large-init-clip --by-step \
  --output docs/experiments/exploding.svg
for arm in lstm gru rnn lstm-no-attention lstm-no-attention-forget-bias gru-no-attention rnn-no-attention; do
  $NMT translate --model "runs/experiments/$arm" --input corpora/reverse-long/test.src --beam 5 \
    | $NMT bleu corpora/reverse-long/test.tgt --score-only | sed "s/^/$arm test BLEU (beam 5): /"
done
