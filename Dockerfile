# apiconform as a FROM scratch image: one static binary, nothing else.
# Build it with `make image`: the Makefile compiles apiconform with
# CGO_ENABLED=0 into bin/image/, which is the build context, so no base
# image and no registry are needed.
#
# - The user is 65532:65532, not root. A bind-mounted report directory must
#   be writable by that uid (or run with --user "$(id -u):$(id -g)").
# - There is no /etc/ssl/certs: HTTPS verification uses the Mozilla roots
#   built into the binary (`apiconform version` says so); --ca-cert FILE
#   adds a private CA, and mounting a CA bundle at /etc/ssl/certs/ca-certificates.crt
#   replaces the built-in roots.
# - The working directory is /, so the default --report-dir "reports" is
#   /reports, a directory the container user owns.
FROM scratch
ARG VERSION=dev
ARG COMMIT=unknown
ARG BUILD_DATE=unknown
LABEL org.opencontainers.image.title="apiconform" \
      org.opencontainers.image.description="Proves whether an HTTP API tells the truth with its status codes" \
      org.opencontainers.image.source="https://github.com/apiconform/apiconform" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${COMMIT}" \
      org.opencontainers.image.created="${BUILD_DATE}"
COPY apiconform /apiconform
COPY --chown=65532:65532 reports/ /reports/
USER 65532:65532
WORKDIR /
ENTRYPOINT ["/apiconform"]
CMD ["--help"]
