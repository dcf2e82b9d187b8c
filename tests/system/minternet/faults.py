"""faults: the replies of `crafted` servers, built from the query they answer.

A crafted server has either a `reply` template or a named `fault`. The template
is hex (whitespace ignored) with placeholders copied from the query:
{id} (2 bytes), {question} (qname + type + class), {qname}, {qtype}, {qclass}.
Example, an authoritative NXDOMAIN:  "{id} 8403 0001 0000 0000 0000 {question}".

Each named fault makes one kind of malformed or hostile reply; the table
FAULTS says what it sends. Replies go out unchanged over UDP and TCP, except
`truncated`, which sets TC over UDP and hangs up over TCP.
"""

import re
import struct

from . import dnswire as w

FAULTS = {
    "short-header": "7 bytes: the query's ID, flags QR|AA, QDCOUNT=1 and one stray byte",
    "pointer-loop": "an answer whose owner name is a compression pointer to itself",
    "pointer-past-end": "an answer whose owner name points beyond the end of the message",
    "wrong-id": "a correct-looking answer with the query's ID xor 0x5A5A",
    "wrong-question": "a correct-looking answer for the name wrong-question.invalid.",
    "many-ns": "a referral to `referral` with `ns_count` (default 100) NS records, "
               "ns1..nsN.<referral>, each with glue `glue`",
    "long-label": "an answer whose owner name starts with a 64-byte label",
    "truncated": "over UDP an empty reply with TC set; over TCP the connection is closed",
    "ns-past-rdlength": "an answer whose first record, an NS, says RDLENGTH 2 but holds a "
                        "6-byte name, followed by an A record `answer` with TTL 5 (ldns "
                        "reads the name whole and finds the A; a length framing does not)",
}

_FLAGS_AA = w.FLAG_QR | w.FLAG_AA


def _answer_start(q, qid=None, flags=_FLAGS_AA, an=1, ns=0, ar=0, question=None):
    """Header plus question section; returns the bytes so far."""
    qid = q.id if qid is None else qid
    question = q.question if question is None else question
    return w.header(qid, flags, 1, an, ns, ar) + question


def _a_record_tail(address):
    return struct.pack("!HHIH", w.TYPES["A"], w.CLASS_IN, 300, 4) + w.a_rdata(address)


def _plain_answer(q, answer, qid=None, question_name=None):
    question = q.question
    name = q.qname
    if question_name is not None:
        question = w.encode_name(question_name) + struct.pack("!HH", q.qtype, q.qclass)
        name = question_name
    msg = _answer_start(q, qid=qid, question=question)
    return msg + w.rr_bytes(name, "A", w.a_rdata(answer), {}, len(msg))


def _many_ns(q, spec):
    zone = w.canonical(spec["referral"])
    count = int(spec.get("ns_count", 100))
    glue = spec["glue"]
    msg = bytearray(w.header(q.id, w.FLAG_QR, 1, 0, count, count) + q.question)
    comp = {}
    w.encode_name(q.qname, comp, 12)  # register the question's suffixes
    for i in range(1, count + 1):
        target = f"ns{i}.{zone}"
        owner = w.encode_name(zone, comp, len(msg))
        head = owner + struct.pack("!HHI", w.TYPES["NS"], w.CLASS_IN, 300)
        rd_off = len(msg) + len(head) + 2
        rdata = w.encode_name(target, comp, rd_off)
        msg += head + struct.pack("!H", len(rdata)) + rdata
    for i in range(1, count + 1):
        msg += w.rr_bytes(f"ns{i}.{zone}", "A", w.a_rdata(glue), comp, len(msg))
    return bytes(msg)


def fault_reply(q, spec, transport):
    """Bytes to send for query q, or None to send nothing (TCP: hang up)."""
    fault = spec["fault"]
    answer = spec.get("answer", "127.0.0.1")
    if fault == "short-header":
        return struct.pack("!HHH", q.id, _FLAGS_AA, 1) + b"\x00"
    if fault == "pointer-loop":
        msg = _answer_start(q)
        return msg + struct.pack("!H", 0xC000 | len(msg)) + _a_record_tail(answer)
    if fault == "pointer-past-end":
        msg = _answer_start(q)
        tail = _a_record_tail(answer)
        beyond = len(msg) + 2 + len(tail) + 100
        return msg + struct.pack("!H", 0xC000 | beyond) + tail
    if fault == "wrong-id":
        return _plain_answer(q, answer, qid=q.id ^ 0x5A5A)
    if fault == "wrong-question":
        return _plain_answer(q, answer, question_name="wrong-question.invalid.")
    if fault == "many-ns":
        return _many_ns(q, spec)
    if fault == "long-label":
        msg = _answer_start(q)
        owner = b"\x40" + b"a" * 64 + struct.pack("!H", 0xC000 | 12)
        return msg + owner + _a_record_tail(answer)
    if fault == "ns-past-rdlength":
        msg = _answer_start(q, an=2)
        ns = struct.pack("!HHHIH", 0xC00C, w.TYPES["NS"], w.CLASS_IN, 300, 2)
        a = struct.pack("!HHHIH", 0xC00C, w.TYPES["A"], w.CLASS_IN, 5, 4)
        return msg + ns + b"\x03ns1\xc0\x0c" + a + w.a_rdata(answer)
    if fault == "truncated":
        if transport == "tcp":
            return None
        return _answer_start(q, flags=_FLAGS_AA | w.FLAG_TC, an=0)
    raise ValueError(f"unknown fault {fault!r}")


_TOKEN = re.compile(r"\{(id|question|qname|qtype|qclass)\}")


def template_reply(q, template):
    """Expand a reply template (see the module comment)."""
    values = {
        "id": struct.pack("!H", q.id),
        "question": q.question,
        "qname": w.encode_name(q.qname),
        "qtype": struct.pack("!H", q.qtype),
        "qclass": struct.pack("!H", q.qclass),
    }
    out = bytearray()
    pos = 0
    for m in _TOKEN.finditer(template):
        out += bytes.fromhex("".join(template[pos:m.start()].split()))
        out += values[m.group(1)]
        pos = m.end()
    out += bytes.fromhex("".join(template[pos:].split()))
    return bytes(out)


def check_template(template):
    """Raise ValueError unless the template is hex and known placeholders."""
    rest = _TOKEN.sub("", template)
    bytes.fromhex("".join(rest.split()))
    if "{" in rest or "}" in rest:
        raise ValueError("unknown placeholder in reply template")


def reply_for(q, spec, transport):
    """The crafted server's reply to q (bytes, or None for no reply)."""
    if "reply" in spec:
        return template_reply(q, spec["reply"])
    return fault_reply(q, spec, transport)
