# Container image of the orchestrator server (SPEC §10), built from the repository root:
#   docker build -f deploy/server.Dockerfile -t livestream-orchestrator .
# BUILD_TYPE=Debug (used by the `dev` compose profile) keeps symbols and assertions.

ARG BUILD_TYPE=Release

# ---- build: the C++ toolchain and -dev packages (the build list of scripts/lib/apt-packages.txt)
FROM debian:bookworm AS build
ARG BUILD_TYPE
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      build-essential cmake ninja-build ccache \
      libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev libboost-system1.81-dev \
      libpq-dev libsqlite3-dev libssl-dev libhiredis-dev libsodium-dev libspdlog-dev libfmt-dev \
      libcli11-dev pkg-config \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# docs/ holds the OpenAPI document the server embeds and serves at /api/v1/openapi.json.
COPY server/ server/
COPY docs/ docs/
# A Release build goes to build/release (binary at build/release/src/livestream-orchestrator),
# a Debug build to build/debug; either way the binary is copied to /out.
RUN build_dir="build/$(echo "${BUILD_TYPE}" | tr '[:upper:]' '[:lower:]')" \
 && cmake -S server -B "${build_dir}" -G Ninja -DCMAKE_BUILD_TYPE="${BUILD_TYPE}" -DLSO_BUILD_TESTS=OFF \
 && cmake --build "${build_dir}" --target livestream-orchestrator \
 && mkdir -p /out \
 && cp "${build_dir}/src/livestream-orchestrator" /out/ \
 && if [ "${BUILD_TYPE}" = "Release" ]; then strip /out/livestream-orchestrator; fi

# ---- runtime: shared libraries only, no compiler, non-root
FROM debian:bookworm-slim AS runtime
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libpq5 libsqlite3-0 libssl3 libhiredis0.14 libsodium23 libspdlog1.10 libfmt9 \
      libboost-json1.81.0 libboost-url1.81.0 \
      ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 orchestrator \
 && useradd --system --uid 10001 --gid orchestrator --home-dir /app --no-create-home \
      --shell /usr/sbin/nologin orchestrator \
 && mkdir -p /app/data \
 && chown orchestrator:orchestrator /app/data
WORKDIR /app
COPY --from=build /out/livestream-orchestrator /usr/local/bin/livestream-orchestrator

# Embedded mode by default (SQLite in the /app/data volume); the compose file switches the
# orchestrators to production mode with DATABASE_URL=postgresql://… and REDIS_URL=redis://….
ENV HOST=0.0.0.0 \
    PORT=3001 \
    DATABASE_URL=sqlite:./data/orchestrator.db
VOLUME ["/app/data"]
USER orchestrator
EXPOSE 3001
# Liveness only: readiness (/health/ready) depends on PostgreSQL/Redis/LiveKit and is for load
# balancers; a container should not be restarted because a dependency is down.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD curl -fsS -o /dev/null "http://127.0.0.1:${PORT:-3001}/health/live" || exit 1
# SIGTERM starts the graceful shutdown (SPEC §10); give `docker stop` more than
# SHUTDOWN_TIMEOUT_SECONDS (10 s by default), e.g. stop_grace_period in compose.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/livestream-orchestrator"]
