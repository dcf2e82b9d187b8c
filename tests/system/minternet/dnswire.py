"""dnswire: a small DNS message builder and parser for the test bed.

Enough of RFC 1035 to probe servers (build a query, parse the reply), to let
the fake servers answer (parse a query, copy its ID and question) and to check
crafted packets byte by byte. Every loop over packet data is bounded and every
malformation raises WireError; nothing here touches the network.
"""

import struct

TYPES = {
    "A": 1, "NS": 2, "CNAME": 5, "SOA": 6, "PTR": 12, "MX": 15, "TXT": 16,
    "AAAA": 28, "SRV": 33, "DS": 43, "RRSIG": 46, "NSEC": 47, "DNSKEY": 48,
    "OPT": 41, "ANY": 255,
}
TYPE_NAMES = {v: k for k, v in TYPES.items()}
RCODES = {
    0: "NOERROR", 1: "FORMERR", 2: "SERVFAIL", 3: "NXDOMAIN", 4: "NOTIMP",
    5: "REFUSED", 9: "NOTAUTH",
}
CLASS_IN = 1

FLAG_QR = 0x8000
FLAG_AA = 0x0400
FLAG_TC = 0x0200
FLAG_RD = 0x0100
FLAG_RA = 0x0080

MAX_NAME = 255
MAX_POINTERS = 64
MAX_RRS = 4096


class WireError(ValueError):
    """A packet or a name that does not follow the wire format."""


def type_code(qtype):
    """Numeric type for a mnemonic ("A"), a "TYPEnn" or an int."""
    if isinstance(qtype, int):
        return qtype
    t = qtype.upper()
    if t in TYPES:
        return TYPES[t]
    if t.startswith("TYPE") and t[4:].isdigit():
        return int(t[4:])
    raise WireError(f"unknown type {qtype!r}")


def type_name(code):
    return TYPE_NAMES.get(code, f"TYPE{code}")


def rcode_name(code):
    return RCODES.get(code, f"RCODE{code}")


def canonical(name):
    """Lower-case, absolute presentation form ("example.test.")."""
    name = name.strip().lower()
    if not name.endswith("."):
        name += "."
    return name


def encode_name(name, compress=None, offset=0):
    """Wire form of a presentation name (no escapes supported).

    With a dict `compress` (suffix -> offset) the longest known suffix is
    replaced by a pointer and new suffixes are recorded at `offset`.
    """
    name = canonical(name)
    labels = [] if name == "." else name[:-1].split(".")
    out = bytearray()
    for i in range(len(labels)):
        suffix = ".".join(labels[i:]) + "."
        if compress is not None and suffix in compress:
            out += struct.pack("!H", 0xC000 | compress[suffix])
            return bytes(out)
        if compress is not None and offset + len(out) < 0x3FFF:
            compress[suffix] = offset + len(out)
        raw = labels[i].encode("ascii")
        if not 0 < len(raw) <= 63:
            raise WireError(f"bad label in {name!r}")
        out.append(len(raw))
        out += raw
    out.append(0)
    if len(out) > MAX_NAME:
        raise WireError(f"name too long: {name!r}")
    return bytes(out)


def decode_name(msg, pos):
    """Read a possibly compressed name at pos; returns (name, next_pos)."""
    labels = []
    end = None
    total = 1
    for _ in range(MAX_POINTERS + 128):
        if pos >= len(msg):
            raise WireError("name runs past the end")
        n = msg[pos]
        if n == 0:
            name = ".".join(labels) + "." if labels else "."
            return name, (end if end is not None else pos + 1)
        if n & 0xC0 == 0xC0:
            if pos + 1 >= len(msg):
                raise WireError("pointer runs past the end")
            target = ((n & 0x3F) << 8) | msg[pos + 1]
            if end is None:
                end = pos + 2
            if target >= pos:
                raise WireError("compression pointer does not point backwards")
            pos = target
            continue
        if n & 0xC0:
            raise WireError(f"label type 0x{n:02x} (length > 63)")
        if pos + 1 + n > len(msg):
            raise WireError("label runs past the end")
        total += n + 1
        if total > MAX_NAME:
            raise WireError("name longer than 255 bytes")
        labels.append(msg[pos + 1:pos + 1 + n].decode("latin-1").lower())
        pos += 1 + n
    raise WireError("too many labels or pointers")


def build_query(qname, qtype="A", qid=0x1234, rd=False, edns=1232):
    """A query with one question; EDNS0 OPT with payload `edns` unless None."""
    flags = FLAG_RD if rd else 0
    arcount = 1 if edns else 0
    msg = struct.pack("!HHHHHH", qid, flags, 1, 0, 0, arcount)
    msg += encode_name(qname) + struct.pack("!HH", type_code(qtype), CLASS_IN)
    if edns:
        msg += b"\x00" + struct.pack("!HHIH", TYPES["OPT"], edns, 0, 0)
    return msg


class Query:
    """What a fake server needs from an incoming query."""

    def __init__(self, qid, flags, qname, qtype, qclass, question):
        self.id = qid
        self.flags = flags
        self.qname = qname
        self.qtype = qtype
        self.qclass = qclass
        self.question = question  # raw bytes: uncompressed qname + type + class


def parse_query(msg):
    """Parse a query's header and first question; raises WireError."""
    if len(msg) < 12:
        raise WireError("short header")
    qid, flags, qd = struct.unpack("!HHH", msg[:6])
    if flags & FLAG_QR or qd != 1:
        raise WireError("not a query with one question")
    qname, pos = decode_name(msg, 12)
    if pos + 4 > len(msg):
        raise WireError("question runs past the end")
    qtype, qclass = struct.unpack("!HH", msg[pos:pos + 4])
    question = encode_name(qname) + msg[pos:pos + 4]
    return Query(qid, flags, qname, qtype, qclass, question)


class RR:
    def __init__(self, name, rtype, rclass, ttl, rdata, data):
        self.name = name
        self.type = rtype
        self.rclass = rclass
        self.ttl = ttl
        self.rdata = rdata  # raw bytes
        self.data = data    # decoded presentation of rdata (best effort)

    def __repr__(self):
        return f"{self.name} {self.ttl} {type_name(self.type)} {self.data}"


class Message:
    def __init__(self):
        self.id = 0
        self.flags = 0
        self.rcode = 0
        self.question = []
        self.answer = []
        self.authority = []
        self.additional = []

    @property
    def qr(self):
        return bool(self.flags & FLAG_QR)

    @property
    def aa(self):
        return bool(self.flags & FLAG_AA)

    @property
    def tc(self):
        return bool(self.flags & FLAG_TC)

    @property
    def rcode_name(self):
        return rcode_name(self.rcode)

    def rrs(self, section, rtype=None, name=None):
        out = []
        for rr in getattr(self, section):
            if rtype is not None and rr.type != type_code(rtype):
                continue
            if name is not None and rr.name != canonical(name):
                continue
            out.append(rr)
        return out


def _decode_rdata(msg, pos, rtype, rdlen):
    rdata = msg[pos:pos + rdlen]
    if rtype == TYPES["A"] and rdlen == 4:
        return ".".join(str(b) for b in rdata)
    if rtype == TYPES["AAAA"] and rdlen == 16:
        import ipaddress
        return str(ipaddress.IPv6Address(rdata))
    if rtype in (TYPES["NS"], TYPES["CNAME"], TYPES["PTR"]):
        return decode_name(msg, pos)[0]
    if rtype == TYPES["SOA"]:
        mname, p = decode_name(msg, pos)
        rname, p = decode_name(msg, p)
        return f"{mname} {rname} " + " ".join(str(x) for x in struct.unpack("!IIIII", msg[p:p + 20]))
    if rtype == TYPES["TXT"]:
        strings = []
        p = 0
        while p < rdlen:
            n = rdata[p]
            strings.append(rdata[p + 1:p + 1 + n].decode("latin-1"))
            p += 1 + n
        return strings
    return rdata.hex()


def parse_message(msg):
    """Parse a whole message; raises WireError on any malformation."""
    if len(msg) < 12:
        raise WireError("short header")
    m = Message()
    m.id, m.flags, qd, an, ns, ar = struct.unpack("!HHHHHH", msg[:12])
    m.rcode = m.flags & 0x000F
    if qd + an + ns + ar > MAX_RRS:
        raise WireError("too many records")
    pos = 12
    for _ in range(qd):
        name, pos = decode_name(msg, pos)
        if pos + 4 > len(msg):
            raise WireError("question runs past the end")
        qtype, qclass = struct.unpack("!HH", msg[pos:pos + 4])
        pos += 4
        m.question.append((name, qtype, qclass))
    for section, count in (("answer", an), ("authority", ns), ("additional", ar)):
        for _ in range(count):
            name, pos = decode_name(msg, pos)
            if pos + 10 > len(msg):
                raise WireError("record header runs past the end")
            rtype, rclass, ttl, rdlen = struct.unpack("!HHIH", msg[pos:pos + 10])
            pos += 10
            if pos + rdlen > len(msg):
                raise WireError("rdata runs past the end")
            data = _decode_rdata(msg, pos, rtype, rdlen)
            getattr(m, section).append(RR(name, rtype, rclass, ttl, msg[pos:pos + rdlen], data))
            pos += rdlen
    if pos != len(msg):
        raise WireError(f"{len(msg) - pos} trailing bytes")
    return m


def rr_bytes(name, rtype, rdata, compress, offset, ttl=300):
    """One resource record (class IN) to append at `offset`."""
    owner = encode_name(name, compress, offset)
    return owner + struct.pack("!HHIH", type_code(rtype), CLASS_IN, ttl, len(rdata)) + rdata


def header(qid, flags, qd=0, an=0, ns=0, ar=0):
    return struct.pack("!HHHHHH", qid & 0xFFFF, flags, qd, an, ns, ar)


def a_rdata(address):
    import ipaddress
    return ipaddress.ip_address(address).packed
