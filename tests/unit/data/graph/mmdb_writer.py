"""mmdb_writer: write a small MaxMind DB (format 2.0) of origin ASes, in the
layout of GeoLite2-ASN (autonomous_system_number, autonomous_system_organization),
for the tests: an IPv6 tree (IPv4 at ::/96), 24-bit records.

    write("asn.mmdb", [("127.0.51.0/24", 64505, "Operator One"), ...])

Run as a script to regenerate tests/unit/data/graph/asn-test.mmdb:
    python3 mmdb_writer.py asn-test.mmdb
The format: https://maxmind.github.io/MaxMind-DB/
"""

import ipaddress
import struct
import sys

METADATA_MARKER = b"\xab\xcd\xefMaxMind.com"


def _ctrl(type_, size):
    """Control byte(s) for a type and payload size (extended types >= 8)."""
    if size < 29:
        head, extra = size, b""
    elif size < 29 + 256:
        head, extra = 29, bytes([size - 29])
    elif size < 285 + 65536:
        head, extra = 30, struct.pack(">H", size - 285)
    else:
        head, extra = 31, struct.pack(">I", size - 65821)[1:]
    if type_ <= 7:
        return bytes([(type_ << 5) | head]) + extra
    return bytes([head, type_ - 7]) + extra


def _uint(type_, value):
    raw = value.to_bytes((value.bit_length() + 7) // 8, "big") if value else b""
    return _ctrl(type_, len(raw)) + raw


def encode(value, kind=None):
    """MMDB data encoding of str, int (uint32 unless kind says), dict, list."""
    if isinstance(value, str):
        raw = value.encode("utf-8")
        return _ctrl(2, len(raw)) + raw
    if isinstance(value, dict):
        out = _ctrl(7, len(value))
        for k, v in value.items():
            out += encode(k) + (encode(v[1], v[0]) if isinstance(v, tuple) else encode(v))
        return out
    if isinstance(value, list):
        out = _ctrl(11, len(value))
        for v in value:
            out += encode(v)
        return out
    if isinstance(value, int):
        return _uint({"uint16": 5, "uint64": 9}.get(kind, 6), value)
    raise TypeError(value)


def _bits(network):
    """The prefix bits of a network in the IPv6 tree (IPv4 under ::/96)."""
    net = ipaddress.ip_network(network)
    addr = int(net.network_address)
    if net.version == 4:
        return [(addr >> (31 - i)) & 1 for i in range(net.prefixlen)], 96
    return [(addr >> (127 - i)) & 1 for i in range(net.prefixlen)], 0


def write(path, entries, description="dnsdeps test ASN database"):
    """entries: (network, asn, organization) triples; networks must not nest."""
    data = b""
    offsets = []
    for _, asn, org in entries:
        offsets.append(len(data))
        data += encode({"autonomous_system_number": asn,
                        "autonomous_system_organization": org})
    # The tree as nested lists: a node is [left, right]; a leaf is ("data", i).
    root = [None, None]
    for i, (network, _, _) in enumerate(entries):
        bits, zeros = _bits(network)
        path_bits = [0] * zeros + bits
        node = root
        for depth, b in enumerate(path_bits):
            if depth == len(path_bits) - 1:
                node[b] = ("data", i)
            else:
                if node[b] is None:
                    node[b] = [None, None]
                node = node[b]
    nodes = []

    def number(node):
        nodes.append(node)
        for child in node:
            if isinstance(child, list):
                number(child)

    number(root)
    index = {id(n): i for i, n in enumerate(nodes)}
    count = len(nodes)
    tree = b""
    for node in nodes:
        recs = []
        for child in node:
            if child is None:
                recs.append(count)
            elif isinstance(child, list):
                recs.append(index[id(child)])
            else:
                recs.append(count + 16 + offsets[child[1]])
        tree += recs[0].to_bytes(3, "big") + recs[1].to_bytes(3, "big")
    meta = encode({
        "binary_format_major_version": ("uint16", 2),
        "binary_format_minor_version": ("uint16", 0),
        "build_epoch": ("uint64", 1767225600),
        "database_type": "GeoLite2-ASN",
        "description": {"en": description},
        "ip_version": ("uint16", 6),
        "languages": ["en"],
        "node_count": count,
        "record_size": ("uint16", 24),
    })
    with open(path, "wb") as f:
        f.write(tree + b"\0" * 16 + data + METADATA_MARKER + meta)


# The database committed for the unit tests (test_graph: mmdb annotation).
UNIT_ENTRIES = [
    ("192.0.2.0/24", 64500, "Example Networks"),
    ("198.51.100.0/24", 64501, "Other Networks"),
    ("2001:db8:1::/48", 64502, "Example IPv6"),
]

if __name__ == "__main__":
    write(sys.argv[1] if len(sys.argv) > 1 else "asn-test.mmdb", UNIT_ENTRIES)
