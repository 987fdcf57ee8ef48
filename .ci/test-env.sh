#!/usr/bin/env bash
# What `make test` needs beside Go and Node: a PostgreSQL server and
# Chromium. Each is found, else started or installed, else refused with one
# line saying how to provide it — never skipped.
#
#   .ci/test-env.sh prepare        check both, starting or installing what is missing
#   .ci/test-env.sh postgres CMD…  run CMD with DATABASE_URL naming a PostgreSQL
#                                  database: the server DATABASE_URL names
#                                  (postgres://…), else a throwaway database on
#                                  127.0.0.1:5432, dropped afterwards even when
#                                  CMD fails
#   .ci/test-env.sh chromium CMD…  run CMD with CHROMIUM naming the browser
#
# PostgreSQL on 127.0.0.1:5432 is reached as user postgres without a
# password (trust), as in CI; a cluster installed by Debian's postgresql
# package is started when it is down. Chromium is $CHROMIUM, or Debian's
# /usr/bin/chromium, installed with apt-get when missing. Starting and
# installing need root, or sudo.
set -euo pipefail
cd "$(dirname "$0")/.."

PGHOST_LOCAL=127.0.0.1
PGPORT_LOCAL=5432
HOW_PG="set DATABASE_URL to a PostgreSQL server (postgres://user@host:port/db?sslmode=disable), or install postgresql (apt-get install postgresql)"

fail() {
	echo "make test: $*" >&2
	exit 1
}

# as_root runs a command as root: directly, or through sudo (which may ask
# for a password at a terminal, and must not ask elsewhere).
as_root() {
	if [ "$(id -u)" = 0 ]; then
		"$@"
	elif command -v sudo >/dev/null 2>&1; then
		if [ -t 0 ]; then sudo "$@"; else sudo -n "$@"; fi
	else
		return 1
	fi
}

given_postgres() {
	case "${DATABASE_URL:-}" in
	postgres://* | postgresql://*) return 0 ;;
	*) return 1 ;;
	esac
}

local_up() { pg_isready -q -h "$PGHOST_LOCAL" -p "$PGPORT_LOCAL"; }

ensure_postgres() {
	if given_postgres; then
		return 0 # the tests connect to it themselves, and say so when they cannot
	fi
	command -v pg_isready >/dev/null 2>&1 || fail "PostgreSQL is not installed: $HOW_PG"
	local_up && return 0
	local cluster
	cluster=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)
	if [ -z "$cluster" ] || ! command -v pg_ctlcluster >/dev/null 2>&1; then
		fail "nothing answers on $PGHOST_LOCAL:$PGPORT_LOCAL and no PostgreSQL cluster is installed: $HOW_PG"
	fi
	echo "== PostgreSQL is down; starting cluster $cluster/main"
	as_root pg_ctlcluster --skip-systemctl-redirect "$cluster" main start ||
		fail "could not start PostgreSQL $cluster/main (it needs root or sudo): start it, or $HOW_PG"
	for _ in $(seq 1 60); do
		local_up && return 0
		sleep 1
	done
	fail "PostgreSQL $cluster/main did not come up on $PGHOST_LOCAL:$PGPORT_LOCAL: $HOW_PG"
}

psql_admin() {
	psql -h "$PGHOST_LOCAL" -p "$PGPORT_LOCAL" -U postgres -d postgres -v ON_ERROR_STOP=1 -qAtX "$@" </dev/null
}

# with_postgres runs its arguments with DATABASE_URL set. Tests create (and
# drop) one database per test on the same server; the throwaway database is
# only their entry point, dropped by the trap whatever the outcome.
with_postgres() {
	ensure_postgres
	if given_postgres; then
		"$@"
		return
	fi
	local db="calibrate_make_test_$$"
	psql_admin -c "CREATE DATABASE $db" ||
		fail "could not create a database on $PGHOST_LOCAL:$PGPORT_LOCAL as user postgres without a password: $HOW_PG"
	trap 'psql_admin -c "DROP DATABASE IF EXISTS '"$db"' WITH (FORCE)" >/dev/null 2>&1 || true' EXIT
	trap 'exit 130' INT TERM
	export DATABASE_URL="postgres://postgres@$PGHOST_LOCAL:$PGPORT_LOCAL/$db?sslmode=disable"
	echo "== PostgreSQL: throwaway database $db on $PGHOST_LOCAL:$PGPORT_LOCAL"
	"$@"
}

ensure_chromium() {
	if [ -n "${CHROMIUM:-}" ]; then
		[ -x "$CHROMIUM" ] || fail "CHROMIUM=$CHROMIUM is not an executable: point it at Chromium, or unset it to use Debian's /usr/bin/chromium"
		return 0
	fi
	CHROMIUM=/usr/bin/chromium
	[ -x "$CHROMIUM" ] && return 0
	command -v apt-get >/dev/null 2>&1 ||
		fail "Chromium is not installed at $CHROMIUM and there is no apt-get to install it: install Chromium and set CHROMIUM to its path"
	echo "== installing Debian's Chromium for the browser tests"
	as_root env DEBIAN_FRONTEND=noninteractive sh -c \
		'apt-get update && apt-get install -y --no-install-recommends chromium' ||
		fail "could not install Chromium (it needs root or sudo): run apt-get install -y --no-install-recommends chromium as root, or set CHROMIUM to a Chromium"
	[ -x "$CHROMIUM" ] || fail "apt-get installed chromium but $CHROMIUM is missing: set CHROMIUM to its path"
}

with_chromium() {
	ensure_chromium
	export CHROMIUM
	echo "== browser tests in $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"
	"$@"
}

case "${1:-}" in
prepare)
	ensure_postgres
	ensure_chromium
	;;
postgres)
	shift
	with_postgres "$@"
	;;
chromium)
	shift
	with_chromium "$@"
	;;
*)
	echo "usage: .ci/test-env.sh prepare | postgres CMD… | chromium CMD…" >&2
	exit 2
	;;
esac
