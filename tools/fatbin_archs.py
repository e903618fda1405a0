#!/usr/bin/env python3
"""List the GPU code in a CUDA fat binary: a shared library's .nv_fatbin section, or a .fatbin file.

Prints (kind, sm) -> number of entries. ELF entries are SASS for exactly that compute capability
(a GPU of another major version cannot run them); PTX entries can be JIT-compiled by the driver for
the same or a newer GPU. Reads the fatbin container headers directly (no cuobjdump needed):
  container: u32 magic 0xBA55ED50, u16 version, u16 header size, u64 payload size
  entry:     u16 kind (1 PTX, 2 ELF), u16 version, u32 header size, u64 payload size, ...,
             u32 sm version at offset 28
Usage: fatbin_archs.py FILE
       fatbin_archs.py --extract-smallest OUT FILE   also write the smallest container to OUT
                                                    (a kernel image cuModuleLoadData accepts)
"""
import collections, struct, subprocess, sys

MAGIC = 0xBA55ED50


def section(path, name):
    out = subprocess.run(["readelf", "-S", "-W", path], capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        parts = line.replace("[ ", "[").split()
        if len(parts) > 5 and parts[1] == name:
            return int(parts[4], 16), int(parts[5], 16)
    raise SystemExit(f"no {name} section in {path}")


def read_fatbin(path):
    with open(path, "rb") as f:
        head = f.read(4)
    if len(head) == 4 and struct.unpack("<I", head)[0] == MAGIC:
        return open(path, "rb").read()
    off, size = section(path, ".nv_fatbin")
    with open(path, "rb") as f:
        f.seek(off)
        return f.read(size)


def containers(data):
    """Yields (offset, length, [(kind, sm)]) per container."""
    pos = 0
    while pos + 16 <= len(data):
        magic, _ver, hsize, fsize = struct.unpack_from("<IHHQ", data, pos)
        if magic != MAGIC:
            pos += 8  # containers are 8-byte aligned
            continue
        entries = []
        e = pos + hsize
        end = e + fsize
        while e + 32 <= end:
            kind, _ever, ehsize, psize = struct.unpack_from("<HHIQ", data, e)
            sm = struct.unpack_from("<I", data, e + 28)[0]
            entries.append(({1: "PTX", 2: "ELF"}.get(kind, f"kind{kind}"), sm))
            if ehsize == 0:
                break
            e += ehsize + psize
        yield pos, end - pos, entries
        pos = end


def main(argv):
    out = None
    if len(argv) == 3 and argv[0] == "--extract-smallest":
        out, path = argv[1], argv[2]
    elif len(argv) == 1:
        path = argv[0]
    else:
        raise SystemExit(__doc__)
    data = read_fatbin(path)
    counts = collections.Counter()
    found = list(containers(data))
    for _pos, _len, entries in found:
        counts.update(entries)
    print(f"{path}: {len(data)} bytes of fatbin, {len(found)} containers")
    for (kind, sm), n in sorted(counts.items()):
        print(f"  {kind} sm_{sm}: {n} entries")
    if not any(k == "PTX" for k, _ in counts):
        print("  no PTX: the driver has nothing to JIT-compile for a GPU newer than the newest ELF above")
    if out and found:
        pos, length, entries = min(found, key=lambda c: c[1])
        with open(out, "wb") as f:
            f.write(data[pos:pos + length])
        print(f"  smallest container ({length} bytes, {sorted(set(entries))}) written to {out}")


if __name__ == "__main__":
    main(sys.argv[1:])
