#!/usr/bin/env bash
# Proves the container image end to end without a registry or daemon:
#   1. assembles the base image tarball (tools/build-base-image.sh) unless it exists,
#   2. builds the Jib image tarball on it: mvn -Pimage package -Dimage.base=tar://...,
#   3. unpacks the OCI image with umoci and runs its entrypoint with runc (no daemon; crun 1.8 refuses
#      hosts with hybrid cgroups); the image's
#      default argument is --help, so it must print earthmover's usage and exit 0.
# Needs root, debootstrap, umoci, runc, jq (tools/install-test-tools.sh --image installs them).
set -euo pipefail
cd "$(dirname "$0")/.."

BASE=${BASE:-target/base-image/debian12-jre17.tar}
IMAGE=target/jib-image.tar
for t in umoci runc jq; do command -v $t >/dev/null || { echo "build-image: $t missing (tools/install-test-tools.sh --image)" >&2; exit 1; }; done

[ -f "$BASE" ] || tools/build-base-image.sh "$BASE"
mvn -B -q -Pimage -DskipTests "-Dimage.base=tar://$PWD/$BASE" "$@" package
echo "image: $IMAGE ($(du -h "$IMAGE" | cut -f1))"

WORK=$(mktemp -d)
trap 'runc delete -f earthmover-smoke >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT
mkdir "$WORK/oci"
tar -C "$WORK/oci" -xf "$IMAGE"
[ -f "$WORK/oci/oci-layout" ] || { echo "build-image: $IMAGE is not an OCI layout" >&2; exit 1; }
TAG=$(jq -r '.manifests[0].annotations["org.opencontainers.image.ref.name"] // empty' "$WORK/oci/index.json")
umoci unpack --image "$WORK/oci${TAG:+:$TAG}" "$WORK/bundle" >/dev/null

echo "layers:"
jq -r '.manifests[0].digest' "$WORK/oci/index.json" | sed 's/sha256://' \
  | xargs -I{} jq -r '.layers[] | "  \(.digest)  \(.size) bytes"' "$WORK/oci/blobs/sha256/{}"
CFG=$WORK/bundle/config.json
echo "entrypoint: $(jq -c '.process.args' "$CFG")  user: $(jq -c '.process.user' "$CFG")"

# no TTY here; read-only root filesystem as in Kubernetes; a hostname /etc/hosts resolves (Log4j looks it up)
jq '.process.terminal = false | .root.readonly = true | .hostname = "localhost"' "$CFG" > "$CFG.new" && mv "$CFG.new" "$CFG"
OUT=$WORK/help.txt
runc run --bundle "$WORK/bundle" earthmover-smoke > "$OUT" 2>&1 || { cat "$OUT" >&2; echo "build-image: entrypoint failed" >&2; exit 1; }
head -20 "$OUT"
grep -q -i "usage" "$OUT" || { echo "build-image: --help printed no usage" >&2; exit 1; }
echo "build-image: OK, the entrypoint printed --help as UID $(jq -r '.process.user.uid' "$CFG")"
