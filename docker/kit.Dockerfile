# The kit itself as an image (issue 21): `auth-ctk` run from inside a canvas (a Kubernetes Job: deploy/) or on a
# compose network next to the target. Build it with docker/kit-image.sh, which sends only the kit's own files
# as the build context (the repository's .dockerignore is the reference image's and leaves the kit's tooling out).
#
# BASE_IMAGE: any image with Node >= 22.18 at /usr/local/bin/node and a uid-1000 user. Default: the public
# node:24-slim. Machines without registry access build a local one (docker/base-image.sh) and pass
# --build-arg BASE_IMAGE=auth-ctk/node-base:local. No RUN instruction: the local base has no shell.
#
# Nothing secret is in the image: the target profile, its .env (or the environment) and the signing key are
# given at run time (mounted, or a ConfigMap/Secret in Kubernetes). Reports go to /app/reports: mount a
# folder there. Chromium: the npm-shipped @sparticuz/chromium comes with node_modules and is unpacked into /tmp
# (mount /tmp executable); the local base holds the libraries it loads (docker/base-image.sh). On a base without
# them, mount a Chromium and set AUTH_CTK_CHROMIUM, or the browser scenarios are reported "not testable" with the reason.
ARG BASE_IMAGE=node:24-slim
FROM ${BASE_IMAGE}

# Not io.auth-ctk.stack: the containers target prunes dangling images with that label when it stops, and the
# legacy builder's intermediate images of a kit build running at the same time are dangling (measured: a CI run
# failed with "unknown parent image ID").
LABEL io.auth-ctk.kit-image=true
WORKDIR /app
# CI: the "ci" cucumber profile (one character per step, no redrawn progress bar in a pod's log).
# HOME: Chromium and npm-free Node want a writable home; the root filesystem may be read-only.
ENV CI=true HOME=/tmp

# Dependencies first: they change less often than the kit, so this layer stays cached.
COPY package.json ./
COPY node_modules ./node_modules
COPY cucumber.mjs ./
COPY bin ./bin
COPY cli ./cli
COPY support ./support
COPY steps ./steps
COPY features ./features
COPY reference ./reference
COPY fixtures ./fixtures
# reports/ must exist and belong to the kit's user when nothing is mounted there (no shell to mkdir/chown).
COPY --chown=1000:1000 reports/README.md ./reports/README.md

USER 1000:1000
ENTRYPOINT ["node", "bin/auth-ctk.js"]
CMD ["--help"]
