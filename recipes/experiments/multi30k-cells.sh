#!/usr/bin/env bash
# Multi30k en→de with each cell in the same 30-minute budget (BENCHMARKS.md, "Cells"): trains
# recipes/multi30k-en-de.yaml with model.cell = gru, rnn, lstm one after the other (about 95 minutes; run
# nothing else meanwhile), translates test_2016_flickr with beam 5 and scores it. Needs the Multi30k files in
# corpora/multi30k (fetch.sh) and `nmt build-vocab recipes/multi30k-en-de.yaml`.
set -euo pipefail
cd "$(dirname "$0")/../.."
NMT=.build/release/nmt
[ -x "$NMT" ] || swift build -c release
mkdir -p runs
for cell in ${CELLS:-gru rnn lstm}; do
  out=runs/m30k-$cell
  rm -rf "$out"
  $NMT train recipes/multi30k-en-de.yaml --set model.cell=$cell --output "$out" 2> "$out.log"
  $NMT translate --model "$out" --beam 5 --input corpora/multi30k/test_2016_flickr.en --output "$out/test.beam5.de"
  echo "$cell: $($NMT bleu corpora/multi30k/test_2016_flickr.de --chrf --input "$out/test.beam5.de" | tr '\n' ' ')"
done
$NMT plot runs/m30k-lstm runs/m30k-gru runs/m30k-rnn --output docs/experiments/multi30k-cells.svg
