# Trolley's container image: `docker build -t trolley .`, or `docker compose up --build`
# (see docker-compose.yml). Built and run for real by deploy/smoke-test, and checked
# statically by deploy/check-compose.sh (hadolint).
#
# Standalone, on SQLite (the file lives in the volume, not in the image):
#   docker run --rm -p 8080:8080 -v trolley-data:/var/lib/trolley \
#     -e DATABASE_URL=sqlite:///var/lib/trolley/trolley.db trolley
# Other commands run the same way: `docker run --rm -e DATABASE_URL=… trolley migrate`
# (or clear-sessions, seed).

# ---- recipe ---------------------------------------------------------------------------
# The manifests of every workspace member, each with stub targets, and Cargo.lock: the
# input of the dependency layer below. This stage sees the whole build context, so it
# reruns on any change, but what it writes changes only with a manifest or the lock file;
# the next stage's COPY of it therefore stays cached while only sources change. A crate
# added to the workspace is picked up here with no change to this file.
FROM rust:1-bookworm AS recipe
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
WORKDIR /build
COPY . .
RUN find . -name Cargo.toml -not -path './target/*' -print0 \
    | while IFS= read -r -d '' manifest; do \
        crate="/recipe/$(dirname "$manifest")"; \
        mkdir -p "$crate/src"; \
        cp "$manifest" "$crate/"; \
        echo 'fn main() {}' > "$crate/src/main.rs"; \
        touch "$crate/src/lib.rs"; \
    done \
    && cp Cargo.lock /recipe/

# ---- builder --------------------------------------------------------------------------
# rust:1-bookworm carries the C toolchain, pkg-config and libssl-dev: pq-sys is built with
# its `bundled` feature (libpq compiled from source, linked against the system OpenSSL)
# and libsqlite3-sys compiles SQLite from source, so no database client package is needed.
FROM rust:1-bookworm AS builder
WORKDIR /build

# Dependencies first, in their own layer: reused until a manifest or Cargo.lock changes.
COPY --from=recipe /recipe ./
RUN cargo build --release --locked --package trolley

# The real sources (the build context is filtered by .dockerignore). templates/ is
# compiled in (include_str!) and migrations/ is embedded (diesel's embed_migrations!).
# COPY keeps the files' own modification times, which may be older than the stub build:
# touch the sources so that Cargo rebuilds Trolley instead of shipping the stub binary.
COPY . .
RUN find src -name '*.rs' -exec touch {} + \
    && cargo build --release --locked --package trolley --bin trolley \
    && cp target/release/trolley /usr/local/bin/trolley

# ---- runtime --------------------------------------------------------------------------
FROM debian:bookworm-slim

# What the binary links dynamically (ldd): libssl.so.3 and libcrypto.so.3 (package
# libssl3, for the bundled libpq's TLS), libgcc_s and libc (already in the base image).
# ca-certificates lets libpq verify a server certificate with sslrootcert=system.
# No curl or wget: the health check below uses bash, which the base image has.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates libssl3 \
    && rm -rf /var/lib/apt/lists/*

# A fixed non-root user; /var/lib/trolley is the place for a SQLite file (see the top).
RUN groupadd --system --gid 10001 trolley \
    && useradd --system --uid 10001 --gid trolley --no-create-home \
        --home-dir /nonexistent --shell /usr/sbin/nologin trolley \
    && install -d -o trolley -g trolley -m 0750 /var/lib/trolley

COPY --from=builder /usr/local/bin/trolley /usr/local/bin/trolley

# TROLLEY_STATIC_DIR defaults to "static", relative to the working directory. The files
# stay owned by root: the app only reads them.
WORKDIR /app
COPY static ./static

# Numeric, so that runtimes can tell it is not root without reading /etc/passwd.
USER 10001:10001
ENV TROLLEY_ADDR=0.0.0.0:8080
EXPOSE 8080

# actix-web stops accepting on SIGTERM and lets in-flight requests finish (30 s shutdown
# timeout); docker-compose.yml gives it stop_grace_period: 35s to do so.
STOPSIGNAL SIGTERM

# GET /healthz answers 200 when the database answers. bash's /dev/tcp does the request;
# the port is taken from TROLLEY_ADDR so that changing it does not break the check.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
    CMD ["bash", "-c", "exec 3<>\"/dev/tcp/127.0.0.1/${TROLLEY_ADDR##*:}\" && printf 'GET /healthz HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && IFS= read -r status <&3 && [[ $status == 'HTTP/1.'?' 200 '* ]]"]

ENTRYPOINT ["/usr/local/bin/trolley"]
CMD ["serve"]
