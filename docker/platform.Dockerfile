# The platform's Node image: API server, worker and the migration job run the same code with a different command.
# Production builds from the public Node image; BASE_IMAGE lets a registry-less machine use a local one.
ARG BASE_IMAGE=node:24-bookworm-slim
FROM ${BASE_IMAGE}

WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
COPY web/package.json web/package.json
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

COPY tsconfig.base.json tsconfig.json ./
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
# Prebuilt workflow bundles (dist/workflow-bundle.js, dist/guard-workflow-bundle.js): the worker starts without running webpack.
RUN node --import tsx worker/bundle.ts

USER node
CMD ["node", "--import", "tsx", "server/main.ts"]
