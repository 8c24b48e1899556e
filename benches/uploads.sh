#!/usr/bin/env bash
# Upload memory benchmark (docs/benchmarks.md): starts the release build on a fresh embedded
# database with the demo data, signs in as the administrator, and sends ROUNDS rounds of
# CONCURRENCY uploads of a SIZE_MB file at once to a source document's files; then reports the
# portal's peak resident memory (VmHWM; PostgreSQL not counted), what it holds when idle after,
# and that every upload was stored whole.
#
#   benches/uploads.sh                                  # 8 at once, 20 MB, 3 rounds
#   benches/uploads.sh --concurrency 4 --rounds 19
#
# Target: peak ≤ 150 MiB with 8 concurrent 20 MB uploads. Needs curl.
set -euo pipefail
cd "$(dirname "$0")/.."

concurrency=8 size_mb=20 rounds=3 port=8098
while [ $# -gt 0 ]; do
  case "$1" in
    --concurrency) concurrency=$2; shift 2 ;;
    --size-mb) size_mb=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    *) echo "unknown option $1 (see the top of $0)" >&2; exit 2 ;;
  esac
done
command -v curl >/dev/null || { echo "curl is missing: apt-get install curl" >&2; exit 1; }

work=$(mktemp -d)
chmod 755 "$work"
log="$work/server.log"
base="http://127.0.0.1:$port"

echo "building the release binary…"
cargo build --release --quiet

PORTAL_DATA_DIR="$work/data" PORTAL_BIND="127.0.0.1:$port" PORTAL_MAX_UPLOAD_MB=$((size_mb + 1)) \
  PORTAL_LOG=warn ./target/release/remediation-portal serve >"$log" 2>&1 &
server=$!
stop() {
  kill -INT "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  rm -rf "$work"
}
trap stop EXIT
until curl -fsS -o /dev/null "$base/readyz" 2>/dev/null; do
  kill -0 "$server" 2>/dev/null || { echo "the server stopped:"; tail -20 "$log"; exit 1; }
  sleep 0.2
done

jar="$work/admin.jar"
curl -fsS -o /dev/null -c "$jar" -H "Origin: $base" \
  --data-urlencode "username=admin" --data-urlencode "password=KhacPhuc@2019" "$base/signin"
cookie=$(awk '$6 ~ /session/ { print $6 "=" $7 }' "$jar")
source_id=$(curl -fsS -H "Cookie: $cookie" "$base/admin/sources" | grep -o 'href="/admin/sources/[0-9]*/edit"' | head -1 | grep -o '[0-9]*')
edit=$(curl -fsS -H "Cookie: $cookie" "$base/admin/sources/$source_id/edit")
csrf=$(grep -o 'name="_csrf" value="[^"]*"' <<<"$edit" | head -1 | sed 's/.*value="//; s/"$//')

# A file the portal accepts (it recognises a PDF by its first bytes), of the size asked.
file="$work/ket-luan.pdf"
{ printf '%%PDF-1.4\n'; head -c $((size_mb * 1024 * 1024 - 9)) /dev/urandom; } >"$file"

rss() { awk '/VmRSS/ { print int($2 / 1024) }' "/proc/$server/status"; }
echo "idle before: $(rss) MiB"
failed=0
for round in $(seq "$rounds"); do
  started=$(date +%s%N)
  for n in $(seq "$concurrency"); do
    # Each upload carries its own one-time key, as each page shown would.
    key=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
    curl -sS -o /dev/null -w '%{http_code}\n' -H "Cookie: $cookie" -H "Origin: $base" \
      -F "_csrf=$csrf" -F "file=@$file;filename=Kết luận $round-$n.pdf" \
      "$base/admin/sources/$source_id/files?_once=$key" >"$work/status-$round-$n" &
  done
  wait $(jobs -p | grep -v "^$server\$") 2>/dev/null || true
  for n in $(seq "$concurrency"); do
    [ "$(cat "$work/status-$round-$n")" = 303 ] || failed=$((failed + 1))
  done
  echo "round $round: $concurrency uploads in $(( ($(date +%s%N) - started) / 1000000 )) ms, resident now $(rss) MiB"
done
sleep 2
peak=$(awk '/VmHWM/ { print int($2 / 1024) }' "/proc/$server/status")
stored=$(curl -fsS -H "Cookie: $cookie" "$base/admin/sources/$source_id/edit" | grep -o 'Kết luận [0-9]*-[0-9]*.pdf' | sort -u | wc -l)
echo
echo "- uploads: $rounds rounds of $concurrency at once, ${size_mb} MB each; refused or failed: $failed; listed on the page: $stored"
echo "- server peak memory (VmHWM, PostgreSQL not counted): $peak MiB"
echo "- resident when idle after: $(rss) MiB"
[ "$failed" -eq 0 ] || exit 1
