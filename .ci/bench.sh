#!/usr/bin/env bash
# make bench: the performance figures of docs/PERFORMANCE.md, on PostgreSQL.
#
#   1. Go benchmarks (internal/bench): the board at 30 and 300 EMs × 9
#      criteria × 9 cycles through the service, GORM beside a hand-written
#      pgx baseline of the same reads; GET /board through the router with its
#      database round trips; an assessment write; a login.
#   2. A load run (internal/bench/load, vegeta as a library) against
#      bin/calibrate serving on loopback, on a database seeded with
#      `calibrate seed`: 500 event streams and one change, the board one at
#      a time and with 8 clients, assessment writes at 100/s alone and
#      beside the 8 readers, a login flood, the server's peak memory; each
#      phase with the server's and PostgreSQL's CPU per request (/proc of
#      the server and of its database's backends: PostgreSQL must be local).
#   3. The web app's initial JavaScript, gzipped (when frontend/dist is built).
#
# Needs PostgreSQL on 127.0.0.1:5432 (trust, user postgres), or
# BENCH_PG=postgres://… naming another server; creates and drops its own
# databases. Takes about five minutes. Knobs: BENCHTIME (default 3s),
# BENCHCOUNT (1), LOAD_FLAGS (extra flags for the load run, e.g. "-only
# serial,flood"; phases serial, concurrent, write, mixed, flood, streams),
# PPROF=1 (save a CPU profile of the server during the
# 8-client phase in test-artifacts/bench/), GO_BENCH=0 (skip the Go
# benchmarks), CALIBRATE_BIN=path (load-test that binary instead of building
# bin/calibrate, e.g. an older release for a before/after).
set -euo pipefail

export GOTOOLCHAIN=go1.27.3
cd "$(dirname "$0")/.."

pg=${BENCH_PG:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}
out=test-artifacts/bench
mkdir -p "$out"
db="calibrate_bench_$$"
admin() { psql "$pg" -v ON_ERROR_STOP=1 -qAtX "$@" </dev/null; }
url=$(printf '%s' "$pg" | sed -E "s#/[^/?]*(\?|$)#/$db\1#")

server=""
cleanup() {
	if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
	admin -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
}
trap cleanup EXIT

admin -c "SELECT 1" >/dev/null || { echo "bench: PostgreSQL is not reachable at $pg" >&2; exit 1; }
admin -c "CREATE DATABASE $db"

echo "== machine ($(date -u +%Y-%m-%dT%H:%MZ))"
echo "cpus: $(nproc), memory: $(free -m | awk '/^Mem:/ {print $2 " MB"}'), load: $(cut -d' ' -f1-3 /proc/loadavg)"
go version
admin -c "SELECT version()"

if [ "${GO_BENCH:-1}" != 0 ]; then
echo
echo "== Go benchmarks (go test -bench, DATABASE_URL on $db's server)"
DATABASE_URL="$url" go test -run '^$' -bench . -benchtime "${BENCHTIME:-3s}" -count "${BENCHCOUNT:-1}" \
	-timeout 30m ./internal/bench | tee "$out/go-bench.txt"

# The targets the Go benchmarks measure: GORM's CPU time against the pgx
# baseline, the 30 → 300 EMs scaling of GET /board, its round trips.
awk '
function metric(unit,   i) { for (i = 3; i < NF; i += 2) if ($(i + 1) == unit) return $i; return "" }
/^BenchmarkBoard\/ems=/ {
	split($1, p, "/"); sub(/-[0-9]+$/, "", p[3]); cpu[p[2] "/" p[3]] = metric("cpu-ns/op")
}
/^BenchmarkBoardHistory\/past=/ {
	split($1, p, "/"); sub(/-[0-9]+$/, "", p[2]); hist[p[2]] = metric("ns/op")
}
/^BenchmarkBoardHTTP\/ems=/ {
	split($1, p, "/"); sub(/-[0-9]+$/, "", p[2]); ns[p[2]] = metric("ns/op"); rt[p[2]] = metric("rt/op")
}
END {
	print "targets (Go benchmarks):"
	for (n = 30; n <= 300; n *= 10) if (cpu["ems=" n "/pgx"] > 0) {
		r = cpu["ems=" n "/gorm"] / cpu["ems=" n "/pgx"]
		printf "  %-34s %-26s %-34s %s\n", "board CPU, GORM / pgx, " n " EMs", "≤ 3×", sprintf("%.2f×", r), (r <= 3 ? "met" : "MISSED")
	}
	if (hist["past=8"] > 0) {
		r = hist["past=20"] / hist["past=8"]
		printf "  %-34s %-26s %-34s %s\n", "board time 20 / 8 past cycles", "≤ 1.1×", sprintf("%.2f×", r), (r <= 1.1 ? "met" : "MISSED")
	}
	if (ns["ems=30"] > 0) {
		r = ns["ems=300"] / ns["ems=30"]
		printf "  %-34s %-26s %-34s %s\n", "GET /board time 30 → 300 EMs", "≤ 12×", sprintf("%.1f×", r), (r <= 12 ? "met" : "MISSED")
		ok = rt["ems=30"] == rt["ems=300"] && rt["ems=300"] <= 3 && rt["ems=300"] > 0
		printf "  %-34s %-26s %-34s %s\n", "GET /board (kept) round trips 30 / 300", "equal, ≤ 3", rt["ems=30"] " / " rt["ems=300"], (ok ? "met" : "MISSED")
	}
}' "$out/go-bench.txt" | tee "$out/go-targets.txt"
fi

echo
echo "== load run against ${CALIBRATE_BIN:-bin/calibrate}"
calibrate=${CALIBRATE_BIN:-bin/calibrate}
# make bench has just built bin/calibrate (make build); run alone, build it.
if [ -z "${CALIBRATE_BIN:-}" ] && { [ -z "${MAKELEVEL:-}" ] || [ ! -x bin/calibrate ]; }; then
	CGO_ENABLED=0 go build -trimpath -o bin/calibrate ./cmd/calibrate
fi
go build -o "$out/load" ./internal/bench/load
# The load run calls the board as fast as it answers, as one director: the
# per-user rate limits are off (the login throttle stays).
export DATABASE_URL="$url" CALIBRATE_LOG_LEVEL=warn CALIBRATE_RATE_LIMIT=0
export CALIBRATE_JWT_KEY="bench-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export CALIBRATE_AUDIT_KEY="bench-audit-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
"$calibrate" seed --org Bench30 --ems 30 --cycles 8 --directors 3
"$calibrate" seed --org Bench300 --ems 300 --cycles 8 --directors 30
# Every evidence and note its own, as people write them (demo.Seed draws
# them from templates; see DistinctTexts in internal/bench), then what
# autovacuum does within a minute of a bulk load.
psql "$url" -qAtX -v ON_ERROR_STOP=1 </dev/null \
	-c "UPDATE ratings SET evidence = evidence || ' Ref ' || substr(assessment_id, 25, 12) || '-' || criterion || '.' WHERE length(evidence) >= 20" \
	-c "UPDATE peer_notes SET body = body || ' Ref ' || substr(request_id, 25, 12) || '.'" \
	-c "VACUUM ANALYZE"
pprof_flags=() load_pprof=()
if [ "${PPROF:-0}" = 1 ]; then
	pprof_flags=(--pprof 127.0.0.1:6061)
	load_pprof=(-pprof http://127.0.0.1:6061 -profile-out "$out/board-concurrent.pprof")
fi
"$calibrate" serve --addr 127.0.0.1:0 "${pprof_flags[@]}" >"$out/server.out" 2>"$out/server.log" &
server=$!
addr=""
for _ in $(seq 1 100); do
	addr=$(sed -n 's#^Calibrate is listening on \(http://[0-9.:]*\).*#\1#p' "$out/server.out")
	[ -n "$addr" ] && break
	kill -0 "$server" 2>/dev/null || { cat "$out/server.log" >&2; exit 1; }
	sleep 0.1
done
[ -n "$addr" ] || { echo "bench: the server did not start" >&2; exit 1; }
# shellcheck disable=SC2086
"$out/load" -url "$addr" -pid "$server" -db "$url" -orgs bench30,bench300 "${load_pprof[@]}" ${LOAD_FLAGS:-} | tee "$out/load.txt"

echo
echo "== web app: initial JavaScript, gzipped"
if [ -f frontend/dist/index.html ] && command -v node >/dev/null; then
	(cd frontend && node scripts/check-budget.mjs) || true
else
	echo "frontend/dist is not built (make web): skipped"
fi
echo
echo "bench: outputs in $out/"
