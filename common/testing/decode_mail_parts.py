#!/usr/bin/env python3
"""Decodes the MIME structure of one mail, as a receiving system would, for the tests.

Usage: decode_mail_parts.py MESSAGE_FILE
Parses the file with Python's email package (policy=default: RFC 2045/2046 structure, RFC 2231
parameters, transfer encodings) and prints one JSON object on stdout:
  {"parts": [{"depth", "content_type", "multipart", "boundary", "disposition", "filename",
              "name", "charset", "transfer_encoding", "payload_base64", "defects"}...]}
the message first, then its parts depth first, in order; "payload_base64": the part's body
decoded from its transfer encoding, as base64 (empty for a multipart); "defects": the part's and
its header fields' defects, by class name. Exits non-zero when the file cannot be read.
"""
import base64
import email
import email.policy
import json
import sys


def describe(part, depth, out):
    content_type = part.get("Content-Type")
    params = dict(content_type.params) if content_type is not None else {}
    defects = [type(d).__name__ for d in part.defects]
    for _, value in part.items():
        defects += [type(d).__name__ for d in getattr(value, "defects", [])]
    payload = b"" if part.is_multipart() else (part.get_payload(decode=True) or b"")
    out.append({
        "depth": depth,
        "content_type": part.get_content_type(),
        "multipart": part.is_multipart(),
        "boundary": part.get_boundary() or "",
        "disposition": part.get_content_disposition() or "",
        "filename": part.get_filename() or "",
        "name": str(params.get("name", "")),
        "charset": part.get_content_charset() or "",
        "transfer_encoding": str(part.get("Content-Transfer-Encoding", "")),
        "payload_base64": base64.b64encode(payload).decode("ascii"),
        "defects": defects,
    })
    if part.is_multipart():
        for child in part.iter_parts():
            describe(child, depth + 1, out)


def main():
    with open(sys.argv[1], "rb") as f:
        message = email.message_from_binary_file(f, policy=email.policy.default)
    parts = []
    describe(message, 0, parts)
    json.dump({"parts": parts}, sys.stdout)


if __name__ == "__main__":
    main()
