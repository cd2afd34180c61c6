#!/usr/bin/env bash
# The main job, end to end, on the corpus that ships in corpora/ (extended as verbs land).
set -euo pipefail
cd "$(dirname "$0")/.."
NMT=.build/release/nmt
$NMT --help
