#!/usr/bin/env python3
"""List the GPU code a CUDA shared library carries: for each compute capability, how many cubins (SASS, machine code
for that architecture) and PTX entries (virtual ISA that the driver can JIT-compile for newer GPUs) are embedded in
its fat binaries. Reads the ELF section .nv_fatbin; no CUDA tools needed.

Usage:  python3 tests/tools/fatbin_archs.py path/to/libnd4jcuda.so

Format (as written by nvcc's fatbinary; no public spec): the section holds containers, each a 16-byte header
(magic 0xBA55ED50, version 1, header size 16, payload size) followed by entries; an entry's header starts with
kind (1 = PTX, 2 = ELF cubin), its header size and payload size, and holds the target architecture at byte 28.
"""
import collections
import struct
import sys

MAGIC = 0xBA55ED50
KINDS = {1: "PTX", 2: "cubin"}


def section(data, wanted):
    """Bytes of the ELF64 little-endian section named `wanted`."""
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        raise SystemExit("not a 64-bit little-endian ELF file")
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)
    headers = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
    names = headers[shstrndx]
    for h in headers:
        start = names[4] + h[0]
        name = data[start:data.index(b"\0", start)].decode()
        if name == wanted:
            return data[h[4]:h[4] + h[5]]
    raise SystemExit("no section " + wanted)


def entries(fatbin):
    """(kind, sm) of every entry of every container in the section."""
    offset = 0
    while offset + 16 <= len(fatbin):
        magic, version, header_size, size = struct.unpack_from("<IHHQ", fatbin, offset)
        if magic != MAGIC:
            offset += 8  # containers are 8-byte aligned; skip padding
            continue
        position, end = offset + header_size, offset + header_size + size
        while position < end:
            kind, _, entry_header, payload = struct.unpack_from("<HHIQ", fatbin, position)
            arch, = struct.unpack_from("<I", fatbin, position + 28)
            yield KINDS.get(kind, "kind %d" % kind), arch
            position += entry_header + payload
        offset = end


def main(path):
    with open(path, "rb") as f:
        data = f.read()
    counts = collections.Counter(entries(section(data, ".nv_fatbin")))
    if not counts:
        raise SystemExit("no fat binary entries found")
    print("%-8s %8s %8s" % ("arch", "cubins", "PTX"))
    for arch in sorted({a for _, a in counts}):
        print("sm_%-5d %8d %8d" % (arch, counts[("cubin", arch)], counts[("PTX", arch)]))


if __name__ == "__main__":
    main(sys.argv[1])
