#!/usr/bin/env bash
# The main job, end to end, on the corpus that ships in corpora/ (`make demo` builds first):
# build-vocab → train recipes/toy-en-de.yaml (3 minutes) → translate the test split → BLEU and chrF.
set -euo pipefail
cd "$(dirname "$0")/.."
NMT=.build/release/nmt
RECIPE=recipes/toy-en-de.yaml
MODEL=models/demo-toy-en-de        # the demo's own directory, trained anew each time
OUT=runs/demo
mkdir -p "$OUT"

step() { printf '\n== %s\n' "$*" >&2; }

step "1/5 vocabulary: $NMT build-vocab $RECIPE"
$NMT build-vocab "$RECIPE"

step "2/5 training (3 minutes): $NMT train $RECIPE --output $MODEL"
rm -rf "$MODEL"
$NMT train "$RECIPE" --output "$MODEL"

step "3/5 translating the held-out test split with beam search"
$NMT translate --model "$MODEL" --input corpora/toy-en-de/test.en --output "$OUT/test.hyp.de"

step "4/5 a few translations (source | ours | reference)"
paste -d '\n' <(head -3 corpora/toy-en-de/test.en) <(head -3 "$OUT/test.hyp.de") <(head -3 corpora/toy-en-de/test.de) \
  | awk '{ printf "%s %s\n", (NR % 3 == 1 ? "  en " : NR % 3 == 2 ? "  us " : "  de "), $0; if (NR % 3 == 0) print "" }'
printf '  stdin: %s\n  → %s\n' "The old man sees the dogs." "$(echo "The old man sees the dogs." | $NMT translate --model "$MODEL")"

step "5/5 scores against the references: $NMT bleu corpora/toy-en-de/test.de --input $OUT/test.hyp.de --chrf"
$NMT bleu corpora/toy-en-de/test.de --input "$OUT/test.hyp.de" --chrf
$NMT plot "$MODEL" >&2
echo >&2
echo "model: $MODEL   translations: $OUT/test.hyp.de   curves: $MODEL/curves.svg" >&2
