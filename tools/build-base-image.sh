#!/usr/bin/env bash
# Assembles a Debian 12 + OpenJDK 17 JRE base image as a docker-archive tarball (the format Jib
# reads from a tar:// base) without a container registry or daemon: debootstrap a minimal root
# filesystem with openjdk-17-jre-headless, pack it as one layer, write config + manifest.
#
#   tools/build-base-image.sh [OUT.tar]        (default target/base-image/debian12-jre17.tar)
#
# Needs root (debootstrap chroots) and the Debian mirror. Then:
#   mvn -Pimage -Dimage.base=tar://$PWD/target/base-image/debian12-jre17.tar package
set -euo pipefail

OUT=${1:-target/base-image/debian12-jre17.tar}
SUITE=${SUITE:-bookworm}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
[ "$(id -u)" = 0 ] || { echo "build-base-image: run as root (debootstrap needs chroot)" >&2; exit 1; }
command -v debootstrap >/dev/null || { echo "build-base-image: apt-get install debootstrap" >&2; exit 1; }

WORK=$(mktemp -d)
trap 'umount "$WORK/rootfs/proc" 2>/dev/null || true; rm -rf "$WORK"' EXIT
ROOT=$WORK/rootfs

debootstrap --variant=minbase --include=openjdk-17-jre-headless,ca-certificates \
  "$SUITE" "$ROOT" "$MIRROR" > "$WORK/debootstrap.log" 2>&1 \
  || { tail -30 "$WORK/debootstrap.log" >&2; exit 1; }

# what a runtime image does not need
rm -rf "$ROOT"/var/lib/apt/lists/* "$ROOT"/var/cache/apt/*.bin "$ROOT"/var/cache/apt/archives/*.deb \
       "$ROOT"/usr/share/doc/* "$ROOT"/usr/share/man/* "$ROOT"/usr/share/info/* "$ROOT"/var/log/*
# unprivileged user the image runs as (UID/GID 65532, as in distroless "nonroot")
echo 'nonroot:x:65532:65532:nonroot:/home/nonroot:/usr/sbin/nologin' >> "$ROOT/etc/passwd"
echo 'nonroot:x:65532:' >> "$ROOT/etc/group"
install -d -o 65532 -g 65532 "$ROOT/home/nonroot"

JAVA_HOME=$(dirname "$(dirname "$(readlink -f "$ROOT/usr/bin/java" | sed "s|^$ROOT||")")")
IMG=$WORK/img
mkdir -p "$IMG"
tar --numeric-owner --sort=name --mtime='@0' -C "$ROOT" -cf "$IMG/layer.tar" .
DIFF_ID=sha256:$(sha256sum "$IMG/layer.tar" | cut -d' ' -f1)

cat > "$IMG/config.json" <<JSON
{"architecture":"amd64","os":"linux","created":"1970-01-01T00:00:00Z",
 "config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","JAVA_HOME=$JAVA_HOME","LANG=C.UTF-8"],
           "Cmd":["/bin/sh"]},
 "rootfs":{"type":"layers","diff_ids":["$DIFF_ID"]},
 "history":[{"created":"1970-01-01T00:00:00Z","created_by":"debootstrap $SUITE + openjdk-17-jre-headless"}]}
JSON
CONFIG_ID=$(sha256sum "$IMG/config.json" | cut -d' ' -f1)
mv "$IMG/config.json" "$IMG/$CONFIG_ID.json"
printf '[{"Config":"%s.json","RepoTags":["earthmover-base:debian12-jre17"],"Layers":["layer.tar"]}]\n' \
  "$CONFIG_ID" > "$IMG/manifest.json"

mkdir -p "$(dirname "$OUT")"
tar -C "$IMG" -cf "$OUT" manifest.json "$CONFIG_ID.json" layer.tar
# java resolves libjli.so through $ORIGIN, which needs /proc
mount -t proc proc "$ROOT/proc"
JAVA_VERSION=$(chroot "$ROOT" java -version 2>&1 | head -1 || true)
umount "$ROOT/proc"
echo "base image: $OUT ($(du -h "$OUT" | cut -f1)), $JAVA_VERSION"
