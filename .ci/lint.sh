#!/usr/bin/env bash
# golangci-lint with .golangci.yml over the main module and the CI tools'
# module (.ci/vulndb, kept apart so the main go.mod never sees it).
# The linter is built once with the project's toolchain (see .ci/tools.sh);
# its analysis cache lives in ~/.cache/golangci-lint.
#
#   .ci/lint.sh              # check
#   .ci/lint.sh --fix        # extra arguments go to `golangci-lint run`
set -euo pipefail
cd "$(dirname "$0")/.."
. .ci/tools.sh

GOLANGCI_LINT_VERSION=${GOLANGCI_LINT_VERSION:-v2.15.0}

lint=$(go_tool github.com/golangci/golangci-lint/v2 "$GOLANGCI_LINT_VERSION" \
	github.com/golangci/golangci-lint/v2/cmd/golangci-lint)

"$lint" version
"$lint" run "$@" ./...
# The same rules for the converter; its few files leave most exclusion rules
# unused, which is no news there (it is, and is reported, for ./...).
(cd .ci/vulndb && "$lint" run --config ../../.golangci.yml "$@" ./... 2>&1) |
	{ grep -v 'Skipped 0 issues by rules' || true; }
echo "ci: lint passed"
