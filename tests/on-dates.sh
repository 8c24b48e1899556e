#!/usr/bin/env bash
# Runs the whole test suite as of several dates, to show that it passes whatever day it runs:
# the test harness reads TEST_TODAY (a date, or an RFC 3339 instant) for the demo data, every
# test app's clock and the tests' own dates. With no arguments, the days that break date code:
# the last day and minute of a year, the first minute of the next (still the old year in UTC),
# 29 February, the end of the first quarter and of the half-year, the end of the third quarter.
#
#   tests/on-dates.sh                      # the list below
#   tests/on-dates.sh 2027-05-01 2030-12-31T23:59:00+07:00
set -uo pipefail
cd "$(dirname "$0")/.."

dates=("$@")
if [ ${#dates[@]} -eq 0 ]; then
  dates=(
    2026-12-31
    2026-12-31T23:59:00+07:00
    2027-01-01T00:01:00+07:00
    2028-02-29
    2027-03-31
    2027-06-30
    2027-09-30
  )
fi

cargo test --no-run --quiet || exit 1
failed=()
for day in "${dates[@]}"; do
  echo "== TEST_TODAY=$day cargo test"
  log=$(mktemp)
  if TEST_TODAY="$day" cargo test --quiet >"$log" 2>&1; then
    grep -c '^test result: ok' "$log" | sed 's/^/test binaries passed: /'
  else
    failed+=("$day")
    grep -E '^test .* FAILED$|panicked at|^error' "$log"
  fi
  rm -f "$log"
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "failed as of: ${failed[*]}"
  exit 1
fi
echo "passed as of every date: ${dates[*]}"
