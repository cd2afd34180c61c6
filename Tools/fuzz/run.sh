#!/usr/bin/env bash
# Runs one libFuzzer harness (docs/fuzzing.md):
#   Tools/fuzz/run.sh NAME SECONDS          fuzz for SECONDS seconds
#   Tools/fuzz/run.sh NAME -runs=N          fuzz for N executions (after the seed corpus)
#   Tools/fuzz/run.sh NAME FILE…            run the given inputs once each (reproduce a crash)
#   Tools/fuzz/run.sh --list                the harness names
# It builds the harnesses first when needed, into .build-fuzz (address sanitizer + libFuzzer coverage).
# Seeds come from Tools/fuzz/corpus/NAME (committed); what the fuzzer finds goes to .build-fuzz/corpus/NAME,
# crashing inputs to .build-fuzz/artifacts/NAME/. Exit status: 0 when nothing crashed.
set -euo pipefail
cd "$(dirname "$0")/../.."
HARNESSES="safetensors checkpoint vocabulary merges recipe tokenizer detokenizer bleu"
if [ "${1:-}" = --list ]; then echo $HARNESSES; exit 0; fi
if [ $# -lt 2 ]; then echo "usage: $0 NAME SECONDS|-runs=N|FILE… (harnesses: $HARNESSES)" >&2; exit 2; fi
NAME=$1; shift
case " $HARNESSES " in *" $NAME "*) ;; *) echo "unknown harness $NAME; choose one of: $HARNESSES" >&2; exit 2 ;; esac

FUZZER_LIB=$(dirname "$(dirname "$(command -v swiftc)")")/lib/clang
FUZZER_LIB=$(ls "$FUZZER_LIB"/*/lib/linux/libclang_rt.fuzzer_no_main-x86_64.a 2>/dev/null | head -n 1)
if [ -z "$FUZZER_LIB" ]; then echo "this Swift toolchain has no libclang_rt.fuzzer_no_main (libFuzzer)" >&2; exit 1; fi
# libFuzzer's own main is not linked: it would clash with the one SwiftPM gives an executable, so the
# harness's main calls LLVMFuzzerRunDriver (Tools/fuzz/harness/Entry.swift) and coverage is asked for directly.
SWIFTNMT_FUZZ=1 swift build -c release --scratch-path .build-fuzz --product nmt-fuzz \
  -Xswiftc -sanitize=address -Xswiftc -sanitize-coverage=edge,trace-cmp,inline-8bit-counters,pc-table \
  -Xlinker "$FUZZER_LIB" -Xlinker -lstdc++ 2>&1 | grep -v -e 'ld.gold: warning' -e '^\[' >&2 || true
BINARY=.build-fuzz/release/nmt-fuzz
[ -x "$BINARY" ] || { echo "the fuzz build failed" >&2; exit 1; }

export NMT_FUZZ_HARNESS=$NAME SWIFT_BACKTRACE=enable=no
# Leak checking is off: the Swift runtime and ICU keep caches for the life of the process.
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=0:allocator_may_return_null=1
ARTIFACTS=.build-fuzz/artifacts/$NAME/
FLAGS=(-artifact_prefix="$ARTIFACTS" -timeout=20 -rss_limit_mb=4096 -max_len=4096 -print_final_stats=1)
[ -f "Tools/fuzz/dict/$NAME.dict" ] && FLAGS+=(-dict="Tools/fuzz/dict/$NAME.dict")
mkdir -p "$ARTIFACTS" ".build-fuzz/corpus/$NAME"
case "$1" in
  -runs=*) FLAGS+=("$1"); shift ;;
  *[!0-9]*) exec "$BINARY" "${FLAGS[@]}" "$@" ;;  # inputs to replay
  *) FLAGS+=(-max_total_time="$1"); shift ;;
esac
exec "$BINARY" "${FLAGS[@]}" "$@" ".build-fuzz/corpus/$NAME" "Tools/fuzz/corpus/$NAME"
