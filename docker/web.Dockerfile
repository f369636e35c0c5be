# The dashboard: SvelteKit built with adapter-node in a build stage, served by plain Node.
ARG BASE_IMAGE=node:24-bookworm-slim

FROM ${BASE_IMAGE} AS build
# NPM_CA: PEM certificates npm should trust besides its own (a TLS-inspecting proxy between the build and the registry).
ARG NPM_CA=""
WORKDIR /app
COPY package.json package-lock.json ./
COPY web/package.json web/package.json
RUN if [ -n "$NPM_CA" ]; then printf '%s\n' "$NPM_CA" > /tmp/npm-ca.pem; export NODE_EXTRA_CA_CERTS=/tmp/npm-ca.pem; fi; npm ci --workspace web --include-workspace-root --no-audit --no-fund --ignore-scripts
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
# uid 1000: the public Node image's `node` user, and any base without one.
USER 1000:1000
EXPOSE 3000
CMD ["node", "build/index.js"]
