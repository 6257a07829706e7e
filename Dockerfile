# fraudstat worker image.
#
#   docker build -t fraudstat .
#   docker run --rm -e FRAUDSTAT_AMQP__URL=amqp://user:pass@rabbit:5672/%2f fraudstat
#
# Two stages: a Rust builder whose dependency layer is cached until
# Cargo.toml or Cargo.lock change, and a small Debian runtime with CA
# certificates, a non-root user, the rule files in /app/config and nothing
# else. docs/operations.md says how to run, configure and scale it.

ARG RUST_IMAGE=rust:1.95-slim-bookworm
ARG RUNTIME_IMAGE=debian:bookworm-slim

FROM ${RUST_IMAGE} AS builder
WORKDIR /src
# Dependencies first, built against placeholder sources: this layer (the
# slow part) is reused for every change that touches only the project's
# own code. The benchmark target must exist for Cargo to read the manifest.
COPY Cargo.toml Cargo.lock ./
RUN mkdir -p src benches \
    && echo 'fn main() {}' > src/main.rs \
    && touch src/lib.rs \
    && echo 'fn main() {}' > benches/pipeline.rs \
    && cargo build --release --locked --bin fraudstat \
    && rm -rf src benches
COPY src ./src
COPY benches ./benches
# Cargo rebuilds by modification time: make sure the real sources are newer
# than the placeholders' build outputs.
RUN touch src/main.rs src/lib.rs \
    && cargo build --release --locked --bin fraudstat \
    && cp target/release/fraudstat /usr/local/bin/fraudstat

FROM ${RUNTIME_IMAGE}
# CA certificates for https pages and amqps brokers; nothing else is needed
# (TLS is rustls, linked in). Not pinned: the point of this package is to
# follow Debian's security updates.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 fraudstat \
    && useradd --system --uid 10001 --gid fraudstat --home-dir /app --no-create-home --shell /usr/sbin/nologin fraudstat
WORKDIR /app
COPY --from=builder /usr/local/bin/fraudstat /usr/local/bin/fraudstat
# The binary carries these files built in; the copy here is the config
# directory an operator edits (Kubernetes mounts its ConfigMap over it), and
# any file left out of it is the built-in one.
COPY config/ /app/config/
ENV FRAUDSTAT_CONFIG_DIR=/app/config
# Numeric, so that Kubernetes' runAsNonRoot can check it without a passwd.
USER 10001:10001
# /metrics, /healthz, /readyz (metrics.listen).
EXPOSE 9464
# Kubernetes and `docker stop` send SIGTERM; the worker drains within
# worker.shutdown_grace_secs and exits 0. Exec form: the worker is PID 1
# and gets the signal itself, with no shell in between.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/fraudstat"]
CMD ["worker"]
