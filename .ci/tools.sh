# shellcheck shell=bash
# Sourced by .ci/lint.sh and .ci/vulncheck.sh: builds Go tools with the
# project's toolchain (a tool built with an older Go refuses to analyse
# go1.27 code) into a directory outside the work tree, so CI's fresh clones
# on the same machine reuse them. A tool is rebuilt only when it is missing,
# at another version, or built by another Go.

export GOTOOLCHAIN=go1.27.3

# TOOLS_BIN: where the tools go; the first GOPATH entry's bin unless set.
TOOLS_BIN=${TOOLS_BIN:-$(go env GOPATH | cut -d: -f1)/bin}
# CALIBRATE_CACHE: the converted vulnerability database and other caches.
CALIBRATE_CACHE=${CALIBRATE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/calibrate}

# go_tool MODULE VERSION PACKAGE: prints the path of PACKAGE's binary,
# installing MODULE@VERSION's PACKAGE first when needed.
go_tool() {
	local module=$1 version=$2 pkg=$3
	local bin="$TOOLS_BIN/${pkg##*/}"
	local want_go
	want_go=$(go env GOVERSION)
	# `go version -m` prints "BIN: goX.Y.Z", then "mod MODULE VERSION SUM".
	if [ -x "$bin" ] &&
		go version -m "$bin" 2>/dev/null | awk -v m="$module" -v v="$version" -v g="$want_go" '
			NR == 1 && $2 == g { okgo = 1 }
			$1 == "mod" && $2 == m && $3 == v { okmod = 1 }
			END { exit !(okgo && okmod) }'; then
		echo "$bin"
		return
	fi
	echo "ci: building $pkg@$version with $want_go into $TOOLS_BIN" >&2
	mkdir -p "$TOOLS_BIN"
	# Outside the work tree, so the project's go.mod plays no part.
	(cd / && GOBIN="$TOOLS_BIN" GOFLAGS=-mod=mod go install "$pkg@$version") >&2
	echo "$bin"
}
