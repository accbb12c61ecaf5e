#!/usr/bin/env bash
# Builds a minimal local base image for the reference images, for engines that cannot pull anything (our CI
# and development machines have no registry access: shared/design/containers.md). On a normal Docker host
# you do not need it: the Dockerfile's default base is the public node:24-slim.
#
# The image holds only the Node binary the project already installed (node_modules/node, the `node` npm
# package) and the shared libraries `ldd` lists for it, at the same paths as in node:24-slim
# (/usr/local/bin/node), plus a `node` user (uid 1000) and /tmp. There is no shell: the Dockerfile uses no RUN.
# For the kit image's browser scenarios it also holds what the npm-shipped Chromium (@sparticuz/chromium, in
# node_modules) loads: the libraries `ldd` lists for it (NSS, NSPR, expat) and NSS's runtime modules (softokn,
# freebl), which it opens by path. Without them that Chromium unpacks in the container but does not start
# ("libnspr4.so: cannot open shared object file").
#
# Cached: when an image with the same Node version exists, nothing is rebuilt (about 0.1 s).
#
#   docker/base-image.sh            builds auth-ctk/node-base:local (if missing or Node changed)
#   docker/base-image.sh --force    rebuilds it
set -euo pipefail
cd "$(dirname "$0")/.."

IMAGE=${AUTH_CTK_BASE_IMAGE_TAG:-auth-ctk/node-base:local}
NODE_BIN=$(readlink -f node_modules/node/bin/node 2>/dev/null || true)
[[ -x "$NODE_BIN" ]] || { echo "node_modules/node/bin/node missing: run npm ci first" >&2; exit 2; }
VERSION=$("$NODE_BIN" --version)
# The npm-shipped Chromium, unpacked on this host (into /tmp) to see what it loads; none on other platforms.
CHROMIUM_BIN=$("$NODE_BIN" --input-type=module -e 'const c = (await import("@sparticuz/chromium")).default; console.log(await c.executablePath())' 2>/dev/null || true)
CHROMIUM_VERSION=none
if [[ -x "$CHROMIUM_BIN" ]]; then CHROMIUM_VERSION=$("$NODE_BIN" -p 'JSON.parse(require("fs").readFileSync("node_modules/@sparticuz/chromium/package.json", "utf8")).version'); fi
CONTENT="node $VERSION, chromium libraries $CHROMIUM_VERSION"

if [[ "${1:-}" != "--force" ]]; then
  have=$(docker image inspect --format '{{ index .Config.Labels "io.auth-ctk.content" }}' "$IMAGE" 2>/dev/null || true)
  if [[ "$have" == "$CONTENT" ]]; then
    echo "$IMAGE ($CONTENT) is up to date"
    exit 0
  fi
fi

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/usr/local/bin" "$root/tmp" "$root/etc" "$root/app" "$root/home/node"
chmod 1777 "$root/tmp"
cp "$NODE_BIN" "$root/usr/local/bin/node"
# Every library the binaries load, at the path the dynamic loader looks for it (symlinks resolved).
libraries() { ldd "$1" | grep -o '/[^ ]*'; }
{ libraries "$NODE_BIN"; if [[ -x "$CHROMIUM_BIN" ]]; then libraries "$CHROMIUM_BIN"; fi; } | sort -u | while read -r lib; do
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done
if [[ -x "$CHROMIUM_BIN" ]]; then
  # NSS opens its crypto modules by path at start-up (Debian: <libdir>/nss/); ldd cannot list them.
  nss_dir=$(dirname "$(ldd "$CHROMIUM_BIN" | grep -o '/[^ ]*libnss3.so[^ ]*')")/nss
  if [[ -d "$nss_dir" ]]; then
    mkdir -p "$root$nss_dir"
    cp -L "$nss_dir"/* "$root$nss_dir/"
    for lib in "$nss_dir"/*.so; do libraries "$lib"; done | sort -u | while read -r lib; do
      [[ -e "$root$lib" ]] || { mkdir -p "$root$(dirname "$lib")"; cp -L "$lib" "$root$lib"; }
    done
  fi
fi
printf 'root:x:0:0:root:/root:/usr/sbin/nologin\nnode:x:1000:1000::/home/node:/usr/sbin/nologin\n' >"$root/etc/passwd"
printf 'root:x:0:\nnode:x:1000:\n' >"$root/etc/group"
chown 1000:1000 "$root/home/node"

tar -C "$root" -c . | docker import \
  --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin' \
  --change "LABEL io.auth-ctk.node-version=$VERSION io.auth-ctk.base=local io.auth-ctk.content=\"$CONTENT\"" \
  --change 'CMD ["node"]' \
  - "$IMAGE" >/dev/null
echo "built $IMAGE ($CONTENT, $(docker image inspect --format '{{.Size}}' "$IMAGE" | awk '{printf "%d MB", $1/1e6}'))"
