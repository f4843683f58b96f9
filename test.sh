#!/usr/bin/env bash
# Install what is missing, build, and run every test headless through CTest.
# Exits non-zero on any failure. Extra arguments go to ctest (e.g. ./test.sh -R cli).
#   ./test.sh --sanitize        the whole suite built with AddressSanitizer, UBSan and LeakSanitizer
#   ./test.sh --fuzz SECONDS    build the libFuzzer targets (clang) and run each for SECONDS
set -euo pipefail
BNFLOW_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$BNFLOW_ROOT/.ci/setup.sh"
export QT_QPA_PLATFORM=offscreen

case "${1:-}" in
  --fuzz)
    seconds=${2:-}
    [[ "$seconds" =~ ^[0-9]+$ ]] || { echo "usage: ./test.sh --fuzz SECONDS" >&2; exit 2; }
    bnflow_install_missing clang libclang-rt-14-dev
    dir="$BNFLOW_ROOT/build-fuzz"
    bnflow_build fuzz fuzz_session fuzz_table fuzz_npy fuzz_exercise
    status=0
    for name in session table npy exercise; do
      corpus="$dir/corpus/$name"
      findings="$dir/findings/$name"
      mkdir -p "$corpus" "$findings"
      echo "fuzzing $name for $seconds s (corpus $corpus, findings in $findings)"
      "$dir/tests/fuzz/fuzz_$name" -max_total_time="$seconds" -max_len=65536 -timeout=10 \
        -print_final_stats=1 -artifact_prefix="$findings/" \
        "$corpus" "$BNFLOW_ROOT/tests/fuzz/corpus/$name" || status=1
    done
    if [ $status -ne 0 ]; then
      echo "A fuzzer found a problem: fix it and keep the input in tests/fuzz/regressions/<name>/." >&2
    fi
    exit $status
    ;;
  --sanitize)
    shift
    bnflow_install_missing
    dir="$BNFLOW_ROOT/build-sanitize"
    bnflow_build sanitize
    export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1
    export UBSAN_OPTIONS=print_stacktrace=1
    export LSAN_OPTIONS="suppressions=$BNFLOW_ROOT/tests/sanitizer-suppressions.txt:print_suppressions=0"
    cd "$dir"
    ctest --output-on-failure --timeout 1200 "$@"
    ;;
  *)
    bnflow_install_missing
    bnflow_build release
    cd "$BNFLOW_ROOT/build"
    ctest --output-on-failure --timeout 600 "$@"
    ;;
esac
