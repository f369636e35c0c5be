# The bot host image for registries and the compose stack, built from source in two stages: esbuild bundles bot/ into
# one ESM file, and the final image holds only Node and that file on Debian (the same layout as bot/Dockerfile, which
# scripts/images.sh builds from a prepared context on a registry-less machine).
ARG BUILD_IMAGE=node:24-bookworm-slim
ARG BASE_IMAGE=debian:bookworm-slim

FROM ${BUILD_IMAGE} AS build
# NPM_CA: PEM certificates npm should trust besides its own (a TLS-inspecting proxy between the build and the registry).
ARG NPM_CA=""
WORKDIR /src
COPY package.json package-lock.json ./
COPY web/package.json web/package.json
RUN if [ -n "$NPM_CA" ]; then printf '%s\n' "$NPM_CA" > /tmp/npm-ca.pem; export NODE_EXTRA_CA_CERTS=/tmp/npm-ca.pem; fi; npm ci --no-audit --no-fund --ignore-scripts && npm rebuild esbuild
COPY tsconfig.base.json ./
COPY bot bot
COPY domain domain
COPY exchange exchange
RUN node bot/build.ts && cp "$(command -v node)" /src/node

FROM ${BASE_IMAGE}
RUN mkdir -m 0700 /state && chown 1000:1000 /state
VOLUME /state
COPY --from=build /src/node /usr/local/bin/node
COPY --from=build /src/dist/bot-host/bot-host.mjs /app/bot-host.mjs
ENV NODE_ENV=production TF_BOT_HOST_STATE_DIR=/state
USER 1000:1000
WORKDIR /app
ENTRYPOINT ["/usr/local/bin/node", "--disable-optimizing-compilers", "--max-semi-space-size=1", "/app/bot-host.mjs"]
