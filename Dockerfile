# mock-tenant (and conformance) as container images, for CI service containers and compose.
#
#   docker build --target mock-tenant -t mock-tenant .
#   docker run --rm -p 8443:8443 mock-tenant --issuer https://tenant:8443/
#   docker build --target conformance -t conformance .
#
# The tenant binds every interface inside the container (it prints a loud warning: it mints
# valid tokens for anyone who reaches it, with public TEST-ONLY keys). Other containers fetch its
# CA from GET https://tenant:8443/_mock/ca.pem (with certificate checks off for that one request:
# test use only) instead of sharing a volume. See docker-compose.example.yml.

FROM rust:1.88-bookworm AS build
WORKDIR /src
COPY . .
# The release profile strips symbols and uses thin LTO; several minutes on two cores.
RUN cargo install --locked --path mock-tenant --root /out \
 && cargo install --locked --path conformance --root /out

FROM debian:bookworm-slim AS mock-tenant
COPY --from=build /out/bin/mock-tenant /usr/local/bin/mock-tenant
ENV MOCK_TENANT_BIND=0.0.0.0 \
    MOCK_TENANT_PORT=8443
EXPOSE 8443
USER 65534:65534
ENTRYPOINT ["mock-tenant"]

FROM debian:bookworm-slim AS conformance
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /out/bin/conformance /usr/local/bin/conformance
USER 65534:65534
ENTRYPOINT ["conformance"]
