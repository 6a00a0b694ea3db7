# Container image of the efm daemon. Build:  docker build -t efm .   (base image: --build-arg BASE_IMAGE=…)
# Run:    docker run -v efm-data:/var/lib/efm -v /etc/efm:/etc/efm:ro -p 9093:9093 efm start --config /etc/efm/efm.properties
ARG BASE_IMAGE=node:20-bookworm-slim

FROM ${BASE_IMAGE} AS build
WORKDIR /src
# sqlite3 is a native module and is built from source here.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund && npm rebuild sqlite3
COPY build.mjs tsconfig.json ./
COPY src src
RUN npm run build && npm prune --omit=dev

FROM ${BASE_IMAGE}
ENV NODE_ENV=production \
    EFM_DATA_DIR=/var/lib/efm
WORKDIR /opt/efm
COPY --from=build /src/node_modules node_modules
COPY --from=build /src/dist dist
COPY package.json ./
COPY config config
COPY schemas schemas
RUN groupadd --system efm && useradd --system --gid efm --home-dir /var/lib/efm efm \
 && mkdir -p /var/lib/efm && chown efm:efm /var/lib/efm && chmod 0750 /var/lib/efm
USER efm
VOLUME ["/var/lib/efm"]
EXPOSE 9093
# Health is open on purpose (probes need no credentials); it is UP unless the daemon cannot work.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.EFM_SERVER_PORT||9093)+'/manage/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# SIGTERM stops taking requests, finishes in-flight work and closes the store.
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "dist/main.js"]
CMD ["start"]
