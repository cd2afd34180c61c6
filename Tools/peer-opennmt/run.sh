#!/usr/bin/env bash
# Measures the OpenNMT-py peer's training throughput on this machine, with ../shared/reference's config
# (validation and checkpoints moved past step 300). BENCHMARKS.md, "Training throughput", has the result.
# Needs: python3 -m venv VENV && VENV/bin/pip install torch==2.2.2 OpenNMT-py==3.5.1 sacremoses
# Usage: Tools/peer-opennmt/run.sh VENV [WORKDIR]      (about 5 minutes; downloads nothing itself)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
venv=$(cd "$1" && pwd); work=${2:-/tmp/peer-opennmt}
shared=$(cd "$here/../../../shared" && pwd)
mkdir -p "$work/onmt-data" && cd "$work"
sed -e 's/^valid_steps: 250/valid_steps: 100000/; s/^save_checkpoint_steps: 250/save_checkpoint_steps: 100000/' \
  "$shared/reference/opennmt-py-config.yaml" > config.yaml
[ -s onmt-data/train.tok.de ] || "$venv/bin/python" "$here/tok.py" "$shared/corpora/multi30k"
"$venv/bin/onmt_build_vocab" -config config.yaml -n_sample -1 > vocab.log 2>&1
OMP_NUM_THREADS=2 /usr/bin/time -v "$venv/bin/onmt_train" -config config.yaml > train.log 2>&1
# Target tokens per second over steps 51–300, from the per-10-step batch sizes and the elapsed seconds.
python3 - <<'PY'
import re
rows = [tuple(int(x) for x in m.groups()) for m in
        (re.search(r'Step +(\d+)/ +\d+;.*bsz: +(\d+)/ +(\d+)/\d+; .* (\d+) sec', l) for l in open("train.log")) if m]
start = next(r[3] for r in rows if r[0] == 50); end = rows[-1][3]
after = [r for r in rows if r[0] > 50]
print(f"target tokens/s {sum(r[2] * 10 for r in after) / (end - start):.0f}, "
      f"source tokens/s {sum(r[1] * 10 for r in after) / (end - start):.0f}, s/step {(end - start) / (10 * len(after)):.3f}")
PY
grep -E "Maximum resident" train.log
