#!/usr/bin/env bash
# Runs every cargo-fuzz target (fuzz/fuzz_targets/) for FUZZ_SECONDS each, one after the other,
# and prints per target: executions, executions/s, coverage, corpus size, peak RSS, crashes.
#
#   scripts/fuzz.sh                      every target, FUZZ_SECONDS (default 600) each
#   FUZZ_SECONDS=30 scripts/fuzz.sh      the smoke run `make test` does
#   scripts/fuzz.sh core_text            only the named targets
#
# Installs what it needs when missing: the nightly toolchain (libFuzzer needs -Zsanitizer) and
# cargo-fuzz. A hang (an input taking over 1 s), an out-of-memory (over 2 GiB) or a broken
# invariant stops the target and fails the run; the input is left in fuzz/artifacts/TARGET/.
# Turn it into a regression test by copying it to fuzz/regressions/TARGET/<what-it-broke>
# (fuzz/tests/regressions.rs replays those on stable in `make test`).
#
# Corpora grow in fuzz/corpus/TARGET (git-ignored), starting from the committed seeds in
# fuzz/seeds/TARGET and from the fixture folders fuzz/seed-folders names for TARGET (copied into
# the corpus at the start of each run, so no fixture is committed twice). FUZZ_NICE (default 10)
# keeps a long run from starving other work.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${FUZZ_SECONDS:-600}
nice_level=${FUZZ_NICE:-10}
step() { printf '\033[1m==> %s\033[0m\n' "$*"; }

if ! rustup run nightly rustc --version >/dev/null 2>&1; then
    step "rustup: installing the nightly toolchain (cargo-fuzz needs it)"
    rustup toolchain install nightly --profile minimal
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
    step "cargo install cargo-fuzz (about 2 minutes, once)"
    cargo install cargo-fuzz
fi

if [ $# -gt 0 ]; then
    targets=("$@")
else
    mapfile -t targets < <(cargo +nightly fuzz list)
fi

step "building ${#targets[@]} fuzz targets (nightly, AddressSanitizer)"
for t in "${targets[@]}"; do
    nice -n "$nice_level" cargo +nightly fuzz build "$t"
done

# Copies the fixtures fuzz/seed-folders gives target $1 into corpus $2: every *.yaml and *.json
# file of each folder (fuzz/tests/regressions.rs reads the list the same way).
copy_fixture_seeds() {
    local target folder file
    while read -r target folder _; do
        [[ -z "$target" || "$target" == \#* || "$target" != "$1" ]] && continue
        for file in "$folder"/*.yaml "$folder"/*.json; do
            # `if`, not `&&`: an unmatched glob must not end the function (and, under set -e,
            # the run) with a failure.
            if [ -f "$file" ]; then
                cp "$file" "$2/fixture-${folder//\//-}-$(basename "$file")"
            fi
        done
    done <fuzz/seed-folders
}

summary=()
failed=()
for t in "${targets[@]}"; do
    corpus=fuzz/corpus/$t
    mkdir -p "$corpus" "fuzz/artifacts/$t"
    copy_fixture_seeds "$t" "$corpus"
    log=fuzz/artifacts/$t/last-run.log
    step "fuzzing $t for ${seconds}s (log: $log)"
    args=(-max_total_time="$seconds" -timeout=1 -rss_limit_mb=2048 -max_len=16384 -print_final_stats=1)
    [ -f "fuzz/dicts/$t.dict" ] && args+=(-dict="fuzz/dicts/$t.dict")
    # Only this run's findings count: an input left from an earlier run (fixed since, and kept
    # in fuzz/regressions/) does not fail it again.
    started=$(mktemp)
    set +e
    # New inputs go to the first folder (the corpus); the seeds are only read.
    nice -n "$nice_level" cargo +nightly fuzz run "$t" "$corpus" "fuzz/seeds/$t" -- "${args[@]}" >"$log" 2>&1
    status=$?
    set -e
    stat() { awk -v k="stat::$1:" '$1 == k {print $2}' "$log" | tail -1; }
    execs=$(stat number_of_executed_units)
    rate=$(stat average_exec_per_sec)
    rss=$(stat peak_rss_mb)
    # The last status line: "#N  DONE  cov: C ft: F corp: U/SIZE ...".
    last=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
    cov=$(sed -n 's/.*cov: \([0-9]*\).*/\1/p' <<<"$last")
    ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
    corp=$(sed -n 's/.*corp: \([0-9]*\/[0-9]*[a-zA-Z]*\).*/\1/p' <<<"$last")
    crashes=$(find "fuzz/artifacts/$t" -type f -newer "$started" \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' -o -name 'leak-*' \) | wc -l)
    corpus_files=$(find "$corpus" -type f | wc -l)
    line=$(printf '%-16s %10s execs %7s exec/s  cov %6s  ft %6s  corpus %5s files (%s)  peak RSS %5s MB  crashes %s' \
        "$t" "${execs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" "$corpus_files" "${corp:-?}" "${rss:-?}" "$crashes")
    summary+=("$line")
    if [ "$status" -ne 0 ] || [ "$crashes" -ne 0 ]; then
        failed+=("$t")
        echo "$t: FAILED (exit $status); what broke:"
        grep -E -A4 "panicked at|ERROR: libFuzzer|ERROR: AddressSanitizer|SUMMARY:" "$log" | head -20 || true
        find "fuzz/artifacts/$t" -type f -newer "$started" ! -name last-run.log | sed 's/^/    input: /'
    fi
    rm -f "$started"
done

step "fuzz summary (${seconds}s per target)"
printf '%s\n' "${summary[@]}"
if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz: ${#failed[@]} target(s) failed: ${failed[*]}" >&2
    exit 1
fi
echo "fuzz: ${#targets[@]} targets, 0 crashes, 0 hangs, 0 out-of-memory"
