# The partnernomics CLI as a container, for running `partnernomics sync --workspaces DIR` on a scheduler you
# already have (a Kubernetes CronJob, a CI schedule, Cloud Run jobs; see deploy/README.md). No secrets go in the
# image: credentials come from the environment at run time, workspace configs from a mounted folder.

# Build: the locked dev dependencies, then `npm ci` runs `prepare` (tsc and the Apps Script bundle) on the
# sources; `npm pack` keeps exactly what the published package ships (package.json "files").
FROM node:24-slim AS build
WORKDIR /src
COPY . .
RUN npm ci \
 && npm pack --ignore-scripts --pack-destination /tmp \
 && mkdir /out \
 && tar -xzf /tmp/partnernomics-*.tgz -C /out --strip-components=1 \
 && cp package-lock.json /out/

# Run: the packed package and its production dependencies from the same lockfile (no dev tools; --ignore-scripts
# because `prepare` would rebuild, and no production dependency has an install script).
FROM node:24-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /out/ ./
RUN npm ci --omit=dev --ignore-scripts \
 && npm cache clean --force \
 && chmod 0755 dist/src/cli/main.js \
 && ln -s /app/dist/src/cli/main.js /usr/local/bin/partnernomics \
 && mkdir /workspaces
# The image's unprivileged user (uid 1000); it only reads /app and /workspaces.
USER node
WORKDIR /workspaces
ENTRYPOINT ["partnernomics"]
CMD ["sync", "--workspaces", "/workspaces"]
