# The reference stack (IdP, gateway, component) as one image; docker-compose.yml picks the server per service
# with `command`. The same entry points run as child processes in the embedded target, configured only by
# environment variables (AUTH_CTK_*, see reference/stack.ts).
#
# BASE_IMAGE: any image with Node >= 22.18 at /usr/local/bin/node. Default: the public node:24-slim. Machines
# without registry access build a local one from the project's own Node binary (docker/base-image.sh) and
# pass BASE_IMAGE=auth-ctk/node-base:local (the kit does this by itself when that image exists).
# No RUN instruction: the local base has no shell.
ARG BASE_IMAGE=node:24-slim
FROM ${BASE_IMAGE}

# `auth-ctk cleanup --images` finds the kit's images (and dangling rebuilds) by this label.
LABEL io.auth-ctk.stack=reference
WORKDIR /app
ENV NODE_ENV=production \
    AUTH_CTK_IDP_HOST=0.0.0.0 AUTH_CTK_IDP_PORT=8080 \
    AUTH_CTK_GATEWAY_HOST=0.0.0.0 AUTH_CTK_GATEWAY_PORT=8080 \
    AUTH_CTK_COMPONENT_HOST=0.0.0.0 AUTH_CTK_COMPONENT_PORT=8080

# Dependencies first: they change less often than the servers, so this layer stays cached.
# node_modules comes from the build context (npm ci on the host; .dockerignore drops the kit-only
# packages): the servers' dependencies are plain JavaScript, and the local base has no npm.
COPY package.json ./
COPY node_modules ./node_modules
COPY fixtures/reference ./fixtures/reference
COPY support ./support
COPY reference ./reference

# Not root (node:24-slim's `node` user; the local base has the same uid).
USER 1000:1000
EXPOSE 8080
# Node runs as PID 1: the servers install their own SIGTERM handler (reference/server-process.ts), so
# `docker stop` returns at once instead of waiting out its timeout.
ENTRYPOINT ["node"]
CMD ["reference/idp/main.ts"]
