#!/usr/bin/env bash
# govulncheck ./... against an offline Go vulnerability database: the OSV
# entries of the golang.org/x/vulndb module, fetched through the Go module
# proxy (vuln.go.dev is out of reach here) and converted by .ci/vulndb into
# the layout `govulncheck -db file://DIR` reads. The converted database is
# kept in $CALIBRATE_CACHE/vulndb/VERSION and rebuilt only when VERSION
# changes. Fails (exit 3) when a vulnerability is reachable from our code.
#
#   .ci/vulncheck.sh                        # the pinned database below
#   VULNDB_VERSION=latest .ci/vulncheck.sh  # the newest the proxy serves
#
# The database is pinned so that a CI run does not turn red on its own;
# move VULNDB_VERSION forward (VULNDB_VERSION=latest shows the newest) as
# part of routine dependency upkeep.
set -euo pipefail
cd "$(dirname "$0")/.."
. .ci/tools.sh

GOVULNCHECK_VERSION=${GOVULNCHECK_VERSION:-v1.9.0}
VULNDB_VERSION=${VULNDB_VERSION:-v0.0.0-20261105234957-e22db6528018}

govulncheck=$(go_tool golang.org/x/vuln "$GOVULNCHECK_VERSION" golang.org/x/vuln/cmd/govulncheck)

# The module's directory in the module cache and its version (VULNDB_VERSION
# may be a query such as "latest"), from the JSON that `go mod download
# -json` prints one field a line; its commit time from the .info file
# beside the download ({"Version":…,"Time":…}).
meta=$(cd / && go mod download -json "golang.org/x/vulndb@$VULNDB_VERSION")
field() { sed -n "s/^[[:space:]]*\"$1\": \"\(.*\)\",\{0,1\}$/\1/p" <<<"$meta" | head -n 1; }
src=$(field Dir) version=$(field Version) info=$(field Info)
modtime=$(sed -n 's/.*"Time": *"\([^"]*\)".*/\1/p' "$info" 2>/dev/null || true)
if [ -z "$src" ] || [ -z "$version" ] || [ -z "$modtime" ]; then
	echo "ci: go mod download golang.org/x/vulndb@$VULNDB_VERSION gave no Dir/Version/Info time:" >&2
	echo "$meta" >&2
	exit 1
fi

db="$CALIBRATE_CACHE/vulndb/$version"
if [ -f "$db/index/db.json" ]; then
	echo "ci: vulnerability database golang.org/x/vulndb@$version (cached in $db)"
else
	echo "ci: converting golang.org/x/vulndb@$version into $db"
	mkdir -p "$CALIBRATE_CACHE/vulndb"
	go -C .ci/vulndb run . -src "$src/data/osv" -out "$db" -modified "$modtime"
	# Older versions are of no further use.
	find "$CALIBRATE_CACHE/vulndb" -mindepth 1 -maxdepth 1 ! -name "$version" -exec rm -rf {} +
fi

# (-version would name vuln.go.dev as the DB whatever -db says.)
echo "ci: $(go version -m "$govulncheck" | awk '$1 == "mod" { print "govulncheck@" $3 }') over ./..."
"$govulncheck" -db "file://$db" ./...
