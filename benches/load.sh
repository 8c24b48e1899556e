#!/usr/bin/env bash
# Load benchmark of the portal (docs/benchmarks.md): starts the release build on a database
# filled by the seed-bench program, signs in, and drives each page with wrk from this machine's
# loopback.
#
#   cargo run --release --bin seed-bench -- --preset city --data-dir bench-city   # once
#   benches/load.sh --data-dir bench-city                 # the embedded database seed-bench filled
#   DATABASE_URL=postgres://… benches/load.sh             # or a server of your own
#
# Options: --connections N (16), --duration SECONDS (20), --warmup SECONDS (3: each page is
# driven that long, unmeasured, before it is measured, so that what it reads is in the caches
# as on a server that has been up a while; not the progress update, whose versions must stay
# in step), --out FILE (bench-results/<time>.md), --port P (8099). Needs wrk and curl (Debian: apt-get install wrk curl).
# Prints a table (requests/s, p50, p99, errors per page), the cold start time and the server's
# peak memory, and writes the same to the output file.
set -euo pipefail
cd "$(dirname "$0")/.."

connections=16 duration=20 warmup=3 port=8099 data_dir="" out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --connections) connections=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --data-dir) data_dir=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    *) echo "unknown option $1 (see the top of $0)" >&2; exit 2 ;;
  esac
done
for tool in wrk curl; do
  command -v "$tool" >/dev/null || { echo "$tool is missing: apt-get install $tool" >&2; exit 1; }
done
if [ -z "${DATABASE_URL:-}" ] && [ -z "$data_dir" ]; then
  echo "give --data-dir (the embedded database seed-bench filled) or set DATABASE_URL" >&2
  exit 2
fi

# The accounts seed-bench creates (README, "Benchmark data").
password=${BENCH_PASSWORD:-KhacPhuc@2019}
reviewer=${BENCH_REVIEWER:-bench.reviewer}
admin=${BENCH_ADMIN:-bench.admin}
officer=${BENCH_OFFICER:-}

base="http://127.0.0.1:$port"
mkdir -p bench-results
out=${out:-bench-results/$(date -u +%Y%m%dT%H%M%SZ)-c$connections.md}
work=$(mktemp -d)
log="$work/server.log"

echo "building the release binary…"
cargo build --release --quiet

# Cold start: from exec to the first answered request (the database already initialised).
start_ns=$(date +%s%N)
if [ -n "$data_dir" ]; then
  PORTAL_DATA_DIR="$data_dir" PORTAL_BIND="127.0.0.1:$port" ./target/release/remediation-portal serve >"$log" 2>&1 &
else
  PORTAL_BIND="127.0.0.1:$port" ./target/release/remediation-portal serve >"$log" 2>&1 &
fi
server=$!
stop() {
  kill -INT "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  cp "$log" "${out%.md}.server.log" 2>/dev/null || true
  rm -rf "$work"
}
trap stop EXIT
until curl -fsS -o /dev/null "$base/healthz" 2>/dev/null; do
  kill -0 "$server" 2>/dev/null || { echo "the server stopped:"; tail -20 "$log"; exit 1; }
  sleep 0.02
done
cold_ms=$(( ($(date +%s%N) - start_ns) / 1000000 ))
echo "cold start to first answer: ${cold_ms} ms"
# The scheduler runs its first round of jobs as the server starts (the stale scan reads every
# open task): measured pages wait for it, as they would not share a server's first minute.
for _ in $(seq 600); do grep -q "background jobs ran" "$log" && break; sleep 0.2; done

# Signs in; prints the Cookie header value.
sign_in() {
  local jar="$work/$1.jar"
  curl -fsS -o /dev/null -c "$jar" -H "Origin: $base" \
    --data-urlencode "username=$1" --data-urlencode "password=$password" "$base/signin"
  awk '$6 ~ /session/ { print $6 "=" $7 }' "$jar"
}
page() { curl -fsS -H "Cookie: $1" "$base$2"; }

reviewer_cookie=$(sign_in "$reviewer")
admin_cookie=$(sign_in "$admin")
[ -n "$reviewer_cookie" ] && [ -n "$admin_cookie" ] || { echo "sign-in failed"; exit 1; }

# What to ask for, read from the pages themselves.
overdue_list=$(page "$reviewer_cookie" "/tasks?timeliness=overdue")
task=$(grep -o 'href="/tasks/[0-9]*"' <<<"$overdue_list" | head -1 | grep -o '[0-9]*')
# Page 100 of the overdue tasks of every unit, or the last page when there are fewer.
overdue_pages=$(grep -o 'class="page-of">[^0-9]*1/[0-9]*' <<<"$overdue_list" | grep -o '[0-9]*$')
deep=$(( ${overdue_pages:-1} < 100 ? ${overdue_pages:-1} : 100 ))
dashboard=$(page "$reviewer_cookie" "/dashboard")
unit=$(grep -o 'href="/units/[0-9]*/dashboard"' <<<"$dashboard" | head -1 | grep -o '[0-9]*')
if [ -z "$officer" ]; then
  unit_page=$(page "$reviewer_cookie" "/units/$unit/dashboard")
  officer_id=$(grep -o 'assignee=[0-9]*' <<<"$unit_page" | head -1 | grep -o '[0-9]*')
fi
officer_cookie=${officer:+$(sign_in "$officer")}

# Open tasks for the progress updates: one per connection, with its current version.
csrf=$(grep -o 'name="_csrf" value="[^"]*"' <<<"$(page "$admin_cookie" "/tasks/$task")" | head -1 | sed 's/.*value="//; s/"$//')
open_ids=$(page "$admin_cookie" "/tasks?status=in_progress&timeliness=on_track&sort=code" | grep -o 'href="/tasks/[0-9]*"' | grep -o '[0-9]*' | awk '!seen[$0]++' | head -"$connections")
bench_tasks=""
for id in $open_ids; do
  version=$(page "$admin_cookie" "/tasks/$id" | grep -o 'name="version" value="[0-9]*"' | head -1 | grep -o '[0-9]*')
  bench_tasks="$bench_tasks$id:$version,"
done

# One wrk run; prints a table row.
results="$work/results"
run() {
  local name=$1 cookie=$2 path=$3 script=${4:-}
  local threads=2
  local args=(-c "$connections" -d "${duration}s" --latency -H "Cookie: $cookie")
  if [ -n "$script" ]; then
    threads=$connections; args+=(-s "$script")
  elif [ "$warmup" -gt 0 ]; then
    wrk -t "$threads" -c "$connections" -d "${warmup}s" -H "Cookie: $cookie" "$base$path" >/dev/null 2>&1 || true
  fi
  wrk -t "$threads" "${args[@]}" "$base$path" >"$work/wrk.txt" 2>&1 || true
  local rps p50 p99 errors
  rps=$(awk '/Requests\/sec/ { print $2 }' "$work/wrk.txt")
  p50=$(awk '$1 == "50%" { print $2 }' "$work/wrk.txt")
  p99=$(awk '$1 == "99%" { print $2 }' "$work/wrk.txt")
  errors=$(awk '/Non-2xx or 3xx/ { n += $NF } /Socket errors/ { gsub(",", ""); n += $4 + $6 + $8 + $10 } END { print n + 0 }' "$work/wrk.txt")
  printf '| %s | `%s` | %s | %s | %s | %s |\n' "$name" "$path" "$rps" "$p50" "$p99" "$errors" | tee -a "$results"
  grep -h "accepted updates" "$work/wrk.txt" | sed 's/^/  /' || true
}

{
  echo "| page | path | requests/s | p50 | p99 | errors |"
  echo "|---|---|---:|---:|---:|---:|"
} | tee "$results"
run "health (floor)" "" "/healthz"
run "task detail" "$reviewer_cookie" "/tasks/$task"
run "overdue tasks of one unit" "$reviewer_cookie" "/tasks?lead=$unit&timeliness=overdue"
run "overdue tasks of every unit" "$reviewer_cookie" "/tasks?timeliness=overdue"
run "overdue tasks of every unit, page $deep" "$reviewer_cookie" "/tasks?timeliness=overdue&page=$deep"
run "text search (no diacritics)" "$reviewer_cookie" "/tasks?q=dat+dai"
run "task list, page 100" "$reviewer_cookie" "/tasks?page=100"
run "City dashboard" "$reviewer_cookie" "/dashboard"
if [ -n "$officer_cookie" ]; then
  run "my tasks" "$officer_cookie" "/my-tasks"
else
  run "my tasks (of a unit's officer, as the City)" "$reviewer_cookie" "/tasks?assignee=${officer_id:-0}&timeliness=overdue"
fi
BENCH_TASKS=$bench_tasks BENCH_COOKIE=$admin_cookie BENCH_CSRF=$csrf BENCH_ORIGIN=$base \
  run "progress update (POST)" "$admin_cookie" "/tasks/$task/progress" benches/progress.lua

peak_kib=$(awk '/VmHWM/ { print $2 }' "/proc/$server/status")
{
  echo
  echo "- connections: $connections, $duration s per page after $warmup s unmeasured, wrk on the same machine"
  echo "- cold start to first answered request: $cold_ms ms"
  echo "- server peak memory (VmHWM, PostgreSQL not counted): $((peak_kib / 1024)) MiB"
  echo "- machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)"
} | tee -a "$results"
cp "$results" "$out"
echo "written to $out"
