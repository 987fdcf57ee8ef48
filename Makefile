# Calibrate — `make run` to try it, `make test` before you push.
#
# Go is fetched at the pinned version on first use (GOTOOLCHAIN); the web app
# in frontend/ needs Node 20 and npm.

export GOTOOLCHAIN := go1.27.3

GO      ?= go
VERSION ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X main.version=$(VERSION)
# The database `make run` uses: the embedded SQLite default, with the demo.
RUN_DATABASE_URL ?= sqlite:data/calibrate.db

.PHONY: run build test test-env test-postgres test-quick web web-test e2e e2e-postgres fuzz lint vulncheck bench fmt clean

# run: build the web app, then serve it and the API on
# http://127.0.0.1:8080 with the demo organisations (password demo-password).
run: web
	DATABASE_URL=$(RUN_DATABASE_URL) $(GO) run ./cmd/calibrate serve --demo

# build: a static binary with the web app embedded, in bin/calibrate.
build: web
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags "$(LDFLAGS)" -o bin/calibrate ./cmd/calibrate

# test: everything CI runs, and what proves the project: the web app's
# checks, lint, the vulnerability scan, vet, the whole suite on SQLite with
# the race detector, the database-backed packages again on PostgreSQL, and
# the browser tests. .ci/test-env.sh provides PostgreSQL and Chromium
# (starting or installing them, as root or with sudo) or fails saying how to
# provide them. Without a postgres:// DATABASE_URL the PostgreSQL pass uses
# 127.0.0.1:5432 in a throwaway database; with one, that server, e.g.
#   DATABASE_URL='postgres://postgres@db.example:5432/test?sslmode=disable' make test
# (each test creates and drops its own database on that server).
test: test-env web-test lint vulncheck
	$(GO) vet ./...
	env -u DATABASE_URL $(GO) test -race -count=1 -timeout 30m ./...
	bash .ci/test-env.sh postgres $(MAKE) --no-print-directory test-postgres
	bash .ci/test-env.sh chromium $(MAKE) --no-print-directory e2e

# test-env: PostgreSQL and Chromium are there (or started, or installed),
# checked before the long steps of make test.
test-env:
	bash .ci/test-env.sh prepare

# test-postgres: the packages that use the database (those depending on
# internal/store or internal/testkit), with the race detector, on the
# PostgreSQL server DATABASE_URL names.
test-postgres:
	@case "$$DATABASE_URL" in \
	postgres://*|postgresql://*) ;; \
	*) echo "make test-postgres: set DATABASE_URL to a PostgreSQL server (make test provides one)" >&2; exit 1 ;; \
	esac
	@pkgs=$$($(GO) list -f '{{.ImportPath}} {{join .Deps " "}} {{join .TestImports " "}} {{join .XTestImports " "}}' ./... \
		| awk '/ calibrate\/internal\/(store|testkit)( |$$)/ || $$1 ~ /^calibrate\/internal\/(store|testkit)$$/ {print $$1}'); \
	echo "== again on PostgreSQL: $(GO) test -race -count=1" $$pkgs; \
	$(GO) test -race -count=1 -timeout 30m $$pkgs

# test-quick: the quick loop while working — vet and the Go suite on SQLite,
# without the race detector, PostgreSQL, the browser or lint. It proves
# less than make test.
test-quick:
	$(GO) vet ./...
	env -u DATABASE_URL $(GO) test -count=1 ./...

# e2e: the browser tests (frontend/e2e/README.md): bin/calibrate on a fresh
# SQLite database with the demo and a 300-EM organisation, driven in
# Chromium (/usr/bin/chromium, or $$CHROMIUM); screenshots, axe reports and
# perf.json in test-artifacts/.
e2e: build
	cd frontend && npm run e2e
	bash .ci/test-env.sh postgres $(MAKE) --no-print-directory e2e-postgres

# e2e-postgres: the browser tests that cross several directors' data (the
# roll-up) again on the PostgreSQL database DATABASE_URL names, which must
# be empty (make e2e provides a throwaway one).
e2e-postgres:
	cd frontend && E2E_DATABASE_URL="$$DATABASE_URL" E2E_ARTIFACTS=$(CURDIR)/test-artifacts/postgres npm run e2e -- rollup

# lint: golangci-lint with .golangci.yml (gosec, errcheck, staticcheck and
# friends); the pinned linter is built with go1.27.3 on first use (several
# minutes) into $(go env GOPATH)/bin and reused after.
lint:
	bash .ci/lint.sh
	bash .ci/apilint.sh

# vulncheck: govulncheck against an offline copy of the Go vulnerability
# database, built from the golang.org/x/vulndb module (fetched through the
# module proxy) and cached in ~/.cache/calibrate.
vulncheck:
	bash .ci/vulncheck.sh

# bench: the figures of docs/PERFORMANCE.md on PostgreSQL (127.0.0.1:5432, or
# BENCH_PG): Go benchmarks with a pgx baseline, a load run against the real
# server, peak memory, the web app's JavaScript size. About five minutes.
bench: build
	bash .ci/bench.sh

# fuzz: each fuzz target for FUZZTIME (default 30s), on SQLite (make test
# runs their seed corpora). A failure saves its input under the package's
# testdata/fuzz/: commit it, so the case stays in the suite.
FUZZTIME ?= 30s
FUZZ_TARGETS := internal/auth:FuzzTokenParse internal/auth:FuzzTokenClaims \
	internal/calibration:FuzzSafeCell internal/language:FuzzAnalyze \
	internal/httpapi:FuzzLoginBody internal/httpapi:FuzzUserBodies \
	internal/httpapi:FuzzFrameworkBody internal/httpapi:FuzzCycleBodies \
	internal/httpapi:FuzzAssessmentBodies internal/httpapi:FuzzDecisionBody \
	internal/httpapi:FuzzNoteBodies internal/httpapi:FuzzBoardCSV
fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; fn=$${t##*:}; \
		echo "== $$fn ($$pkg) for $(FUZZTIME)"; \
		env -u DATABASE_URL $(GO) test -run='^$$' -fuzz="^$$fn\$$" -fuzztime=$(FUZZTIME) ./$$pkg; \
	done

# web-test: the web app's own checks — its API types still match
# api/openapi.yaml, and its unit tests (Vitest).
web-test:
	@set -e; cd frontend; \
	if [ ! -d node_modules ]; then npm ci --no-audit --no-fund; fi; \
	npm run check:api; \
	npm test

# web: build the web app into frontend/dist (embedded by the Go build).
# Vite empties dist, so the committed dist/.gitkeep is put back afterwards.
web:
	@set -e; cd frontend; \
	if [ ! -d node_modules ]; then npm ci --no-audit --no-fund; fi; \
	npm run build
	@mkdir -p frontend/dist && touch frontend/dist/.gitkeep

# fmt: format the Go code (and the web app, when it has a format script).
fmt:
	$(GO) fmt ./...
	@if [ -f frontend/package.json ] && [ -d frontend/node_modules ]; then cd frontend && npm run --if-present format; fi

# clean: remove build outputs. The local database in data/ is kept; delete
# it by hand for a fresh demo.
clean:
	rm -rf bin coverage.out test-artifacts
	@if [ -d frontend/dist ]; then find frontend/dist -mindepth 1 ! -name .gitkeep -delete; fi
	@mkdir -p frontend/dist && touch frontend/dist/.gitkeep
