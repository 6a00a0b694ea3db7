# Container image of the efm daemon (README "Installing"; test/install/container.test.ts builds and runs it).
# Build:  podman build --format docker -t efm .     or  docker build -t efm .
#         The base image is the build argument BASE_IMAGE: a Debian with Node 20.19 or later and npm, whose
#         headers sit in <prefix>/include/node beside <prefix>/bin/node (the official node images do). The build
#         stage needs Debian's packages and the npm registry. podman needs --format docker to keep HEALTHCHECK.
# Run:    podman run -v efm-data:/var/lib/efm -v /etc/efm:/etc/efm:ro -p 9093:9093 --stop-timeout 60 efm start --config /etc/efm/efm.properties
ARG BASE_IMAGE=node:20-bookworm-slim

FROM ${BASE_IMAGE} AS build
WORKDIR /src
# sqlite3 is a native module, built from source against the headers of the base image's own Node
# (<prefix>/include/node beside <prefix>/bin/node), so the build downloads no prebuilt binary and no headers.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund \
 && npm rebuild sqlite3 --build-from-source --nodedir="$(node -p "require('node:path').resolve(process.execPath, '../..')")"
COPY build.mjs tsconfig.json ./
COPY src src
RUN npm run build && npm prune --omit=dev

FROM ${BASE_IMAGE}
# Two malloc arenas: the libuv and crypto threads otherwise each keep an arena of freed stream
# buffers, which with a 1 GB payload costs ~15 MB of resident memory and buys nothing.
ENV NODE_ENV=production \
    MALLOC_ARENA_MAX=2 \
    EFM_DATA_DIR=/var/lib/efm
WORKDIR /opt/efm
COPY --from=build /src/node_modules node_modules
COPY --from=build /src/dist dist
COPY package.json ./
COPY config config
COPY schemas schemas
RUN groupadd --system efm && useradd --system --gid efm --home-dir /var/lib/efm --shell /usr/sbin/nologin efm \
 && mkdir -p /var/lib/efm && chown efm:efm /var/lib/efm && chmod 0750 /var/lib/efm
USER efm
VOLUME ["/var/lib/efm"]
EXPOSE 9093
# Health is open on purpose (probes need no credentials); it is UP unless the daemon cannot work.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.EFM_SERVER_PORT||9093)+'/manage/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# SIGTERM stops taking requests, finishes in-flight work and closes the store; that can take up to 30 s
# (10 s for open requests, 20 s for a hanging send), longer than a runtime's default 10 s before it kills:
# run with --stop-timeout 60.
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "dist/main.js"]
CMD ["start"]
