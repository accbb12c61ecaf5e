#!/usr/bin/env bash
# Builds the kit's own image (docker/kit.Dockerfile) from an allow-list of the kit's files, sent as a tar:
# the repository's .dockerignore belongs to the reference image and leaves out what the kit needs
# (@cucumber, playwright-core, ...). Host-only parts of node_modules stay out (node_modules/.bin; the `node`
# npm package's binary: the base image brings Node).
#
#   docker/kit-image.sh                    builds auth-ctk:<version> (base: auth-ctk/node-base:local if it exists, else node:24-slim)
#   BASE_IMAGE=node:24-slim docker/kit-image.sh
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION=$(node -p 'require("./package.json").version')
TAG=${AUTH_CTK_KIT_IMAGE:-auth-ctk:$VERSION}
if [[ -z "${BASE_IMAGE:-}" ]]; then
  if docker image inspect auth-ctk/node-base:local >/dev/null 2>&1; then BASE_IMAGE=auth-ctk/node-base:local; else BASE_IMAGE=node:24-slim; fi
fi
[[ -d node_modules/@cucumber/cucumber ]] || { echo "node_modules missing: run npm ci first" >&2; exit 2; }

tar -c \
  --exclude=node_modules/.bin --exclude=node_modules/.cache --exclude=node_modules/node \
  --exclude='*.map' \
  docker/kit.Dockerfile package.json cucumber.mjs bin cli support steps features reference fixtures reports/README.md node_modules \
  | docker build -f docker/kit.Dockerfile --build-arg "BASE_IMAGE=$BASE_IMAGE" --label "io.auth-ctk.version=$VERSION" -t "$TAG" -
echo "built $TAG (base $BASE_IMAGE)"
