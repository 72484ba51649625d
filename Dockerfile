# syntax=docker/dockerfile:1
# ai-gateway: `docker build -t ghcr.io/ai-gateway/ai-gateway:0.1.0 .`

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# Scripts are skipped: `prepare` would build before the sources are copied; the build runs below.
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist ./dist
# The image's unprivileged user (uid 1000); deploy/deployment.yaml runs it by that number.
USER node
EXPOSE 8080 19000
ENTRYPOINT ["node", "dist/cli/main.js"]
CMD ["--help"]
