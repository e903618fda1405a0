#!/usr/bin/env python3
"""List the GPU code a shared library's .nv_fatbin section carries: (kind, sm) -> count.

kind is ELF (SASS for exactly that compute capability) or PTX (which the driver can JIT for
newer ones). Reads the fatbin container headers directly (no cuobjdump needed):
  container: u32 magic 0xBA55ED50, u16 version, u16 header size, u64 payload size
  entry:     u16 kind (1 PTX, 2 ELF), u16 version, u32 header size, u64 payload size, ...,
             u32 sm version at offset 28
Usage: fatbin_archs.py LIB.so
"""
import collections, struct, subprocess, sys

def section(path, name):
    out = subprocess.run(["readelf", "-S", "-W", path], capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        parts = line.replace("[ ", "[").split()
        if len(parts) > 5 and parts[1] == name:
            return int(parts[4], 16), int(parts[5], 16)
    raise SystemExit(f"no {name} section in {path}")

def main(path):
    off, size = section(path, ".nv_fatbin")
    with open(path, "rb") as f:
        f.seek(off)
        data = f.read(size)
    counts = collections.Counter()
    pos = 0
    containers = 0
    while pos + 16 <= len(data):
        magic, ver, hsize, fsize = struct.unpack_from("<IHHQ", data, pos)
        if magic != 0xBA55ED50:
            pos += 8  # containers are 8-byte aligned
            continue
        containers += 1
        e = pos + hsize
        end = e + fsize
        while e + 32 <= end:
            kind, ever, ehsize, psize = struct.unpack_from("<HHIQ", data, e)
            sm = struct.unpack_from("<I", data, e + 28)[0]
            counts[({1: "PTX", 2: "ELF"}.get(kind, f"kind{kind}"), sm)] += 1
            if ehsize == 0:
                break
            e += ehsize + psize
        pos = end
    print(f"{path}: .nv_fatbin {size} bytes, {containers} fatbin containers")
    for (kind, sm), n in sorted(counts.items()):
        print(f"  {kind} sm_{sm}: {n} entries")

if __name__ == "__main__":
    main(sys.argv[1])
