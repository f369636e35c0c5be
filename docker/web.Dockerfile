# The dashboard: SvelteKit built with adapter-node in a build stage, served by plain Node.
ARG BASE_IMAGE=node:24-bookworm-slim

FROM ${BASE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY web/package.json web/package.json
RUN npm ci --workspace web --include-workspace-root --no-audit --no-fund
COPY tsconfig.base.json tsconfig.json ./
COPY domain domain
# The dashboard's Help pages are the repository's docs, built in (web/src/lib/docs.server.ts).
COPY docs docs
COPY web web
RUN npm run build -w web

FROM ${BASE_IMAGE}
WORKDIR /app
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000
# adapter-node bundles the web app's dependencies (all devDependencies) into build/.
COPY --from=build /app/web/build build
COPY --from=build /app/web/package.json package.json
USER node
EXPOSE 3000
CMD ["node", "build/index.js"]
