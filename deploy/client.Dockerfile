# Container image of the web client (SPEC §9, §10), built from the repository root:
#   docker build -f deploy/client.Dockerfile -t livestream-orchestrator-client .
# nginx serves the production build and forwards /api/ and /health to the orchestrators
# (deploy/nginx/client.conf).

# ---- build: Vite production build
FROM node:20-bookworm AS build
WORKDIR /src/client
# Dependencies first, so the npm layer is reused while only sources change.
COPY client/package.json client/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY client/ ./
RUN npm run build

# ---- runtime: static files behind nginx
FROM nginx:1.27-alpine AS runtime
RUN rm -f /etc/nginx/conf.d/default.conf
COPY deploy/nginx/client.conf /etc/nginx/conf.d/client.conf
COPY --from=build /src/client/dist /usr/share/nginx/html
EXPOSE 80
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
  CMD wget -q -O /dev/null http://127.0.0.1/ || exit 1
