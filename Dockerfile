# syntax=docker/dockerfile:1
#
# Calibrate in one small image: a static binary with the web app embedded,
# running as a non-root user.
#
#   docker build --build-arg VERSION=$(git describe --always --dirty) -t calibrate .
#   docker run -p 8080:8080 -v calibrate-data:/data calibrate          # SQLite in /data
#
# With PostgreSQL, set DATABASE_URL, CALIBRATE_JWT_KEY and CALIBRATE_AUDIT_KEY (see docker-compose.yml).

# --- 1. The web app ------------------------------------------------------------
# The same build as `make web`: its scripts read ../api/openapi.yaml, so the
# spec comes along.
FROM node:20-bookworm-slim AS web
WORKDIR /src/frontend
COPY api/ /src/api/
COPY frontend/ ./
RUN --mount=type=cache,target=/root/.npm \
    npm ci --no-audit --no-fund && npm run build \
 && mkdir -p dist && touch dist/.gitkeep

# --- 2. The binary (the same build as `make build`) ------------------------------
FROM golang:1.26-bookworm AS build
# go.mod asks for go1.27.3: the 1.26 image fetches that toolchain once, in the
# module-download layer below, from the Go module proxy.
ENV GOTOOLCHAIN=go1.27.3 CGO_ENABLED=0
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download && go version
COPY . .
COPY --from=web /src/frontend/dist/ ./frontend/dist/
ARG VERSION=dev
RUN --mount=type=cache,target=/root/.cache/go-build \
    go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/calibrate ./cmd/calibrate \
 && mkdir -p /out/data

# --- 3. The runtime ----------------------------------------------------------------
# distroless/static: no shell, no package manager, user 65532 (nonroot).
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/calibrate /calibrate
# Embedded mode keeps its SQLite file and generated JWT key in /data; mount a
# volume there. With PostgreSQL, DATABASE_URL overrides this and /data stays
# empty.
COPY --from=build --chown=65532:65532 /out/data /data
ENV DATABASE_URL=sqlite:/data/calibrate.db
VOLUME /data
USER 65532:65532
EXPOSE 8080
# No HEALTHCHECK: distroless has no shell or curl to run one. Let the
# orchestrator probe GET /healthz (liveness) and GET /readyz (readiness: the
# database is reachable and migrated; 503 while draining on SIGTERM).
# On SIGTERM the server drains for CALIBRATE_DRAIN_SECONDS (default 5), then
# gives requests in flight up to 20 s: stop it with a grace period longer than
# both (docker stop -t 30; docker-compose.yml sets stop_grace_period).
ENTRYPOINT ["/calibrate"]
CMD ["serve", "--addr", "0.0.0.0:8080"]
