#!/usr/bin/env bash
# Runs the whole test suite as of other days, to show it passes whatever day it runs on.
#
# libfaketime (Debian package `faketime`) moves the clock of the whole process tree by the same
# offset: the test harness, the PostgreSQL server it starts and the portal binaries some tests
# run, so the demo data, the database's now() and the portal's clock all agree on the chosen day.
# With no arguments, the days that break date code: the last day and the last minute of a year
# in Hanoi, the first minute of the next (still the old year in UTC), 29 February, and the ends
# of the first quarter, the half-year and the third quarter.
#
#   tests/on-dates.sh                                  # the list below
#   tests/on-dates.sh 2027-05-01 2030-12-31T23:59:00+07:00
#
# A bare date means 10:00 in Hanoi that day. The doc tests are left out: they hold no dates, and
# rustdoc hangs under a moved clock.
set -uo pipefail
cd "$(dirname "$0")/.."

if ! command -v faketime >/dev/null 2>&1; then
  echo "tests/on-dates.sh needs faketime (Debian: apt-get install faketime)" >&2
  exit 2
fi

days=("$@")
if [ ${#days[@]} -eq 0 ]; then
  days=(
    2026-12-31
    2026-12-31T23:59:00+07:00
    2027-01-01T00:01:00+07:00
    2028-02-29
    2027-03-31
    2027-06-30
    2027-09-30
  )
fi

cargo test --tests --no-run --quiet || exit 1
failed=()
for day in "${days[@]}"; do
  case "$day" in
    *T*) target=$(date -d "$day" +%s) ;;
    *) target=$(date -d "$day 10:00 +07:00" +%s) ;;
  esac || { echo "not a date: $day" >&2; exit 2; }
  offset=$((target - $(date +%s)))
  # libfaketime's relative form: "+N" or "-N" seconds (a day already past is fine too).
  if [ "$offset" -ge 0 ]; then shift_by="+$offset"; else shift_by="$offset"; fi
  seen=$(faketime -f "$shift_by" date -u +%FT%TZ)
  echo "== as of $day (the clock reads $seen)"
  log=$(mktemp)
  # A day that fails is run again once: a date bug fails both times; a test that lost a race
  # on a loaded machine is reported, with what failed, but does not fail the day.
  for attempt in 1 2; do
    if faketime -f "$shift_by" cargo test --tests --quiet >"$log" 2>&1; then
      grep -E '^test result' "$log" | awk '{ p += $4; f += $6 } END { print p " passed, " f " failed" }'
      break
    fi
    grep -E '^test .* FAILED$|panicked at|^error' "$log"
    if [ "$attempt" = 2 ]; then
      failed+=("$day")
    else
      echo "failed on the first run; running this day again"
    fi
  done
  rm -f "$log"
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "failed as of: ${failed[*]}"
  exit 1
fi
echo "passed as of every day: ${days[*]}"
