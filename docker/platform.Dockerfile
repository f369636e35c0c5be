# The platform's Node image: API server, worker, migrations, Temporal setup and the paper exchange run the same compiled
# JavaScript (dist/app, `npm run build`) with a different command; no TypeScript, no tsx at run time, no dev dependencies.
# Production builds from the public Node image; BASE_IMAGE lets a registry-less machine use a local one with Node and npm.
ARG BASE_IMAGE=node:24-bookworm-slim

FROM ${BASE_IMAGE} AS build
# NPM_CA: PEM certificates npm should trust besides its own (a TLS-inspecting proxy between the build and the registry).
ARG NPM_CA=""
WORKDIR /app
COPY package.json package-lock.json ./
COPY web/package.json web/package.json
RUN if [ -n "$NPM_CA" ]; then printf '%s\n' "$NPM_CA" > /tmp/npm-ca.pem; export NODE_EXTRA_CA_CERTS=/tmp/npm-ca.pem; fi; npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.base.json tsconfig.build.json ./
COPY domain domain
COPY db db
COPY workflows workflows
COPY activities activities
COPY worker worker
COPY server server
COPY bot bot
COPY exchange exchange
COPY temporal temporal
COPY telemetry telemetry
COPY freqtrade freqtrade
# Compiled JavaScript, plus what it reads beside itself (SQL migrations, the scripts FreqTrade containers run), and the
# prebuilt workflow bundles (dist/workflow-bundle.js, dist/guard-workflow-bundle.js): the worker starts without webpack.
RUN node node_modules/typescript/bin/tsc -p tsconfig.build.json \
 && cp -r db/migrations dist/app/db/migrations \
 && mkdir -p dist/app/freqtrade && cp freqtrade/*.py dist/app/freqtrade/ \
 && node --import tsx worker/bundle.ts

FROM ${BASE_IMAGE} AS deps
ARG NPM_CA=""
WORKDIR /app
COPY package.json package-lock.json ./
COPY web/package.json web/package.json
# Install scripts stay off: the only production one is the `node` package's, and the image has its Node already.
RUN if [ -n "$NPM_CA" ]; then printf '%s\n' "$NPM_CA" > /tmp/npm-ca.pem; export NODE_EXTRA_CA_CERTS=/tmp/npm-ca.pem; fi; npm ci --omit=dev --no-audit --no-fund --ignore-scripts && npm cache clean --force

FROM ${BASE_IMAGE}
WORKDIR /app
ENV NODE_ENV=production
COPY --from=deps /app/node_modules node_modules
COPY package.json ./
COPY --from=build /app/dist dist
USER 1000:1000
CMD ["node", "dist/app/server/main.js"]
