#!/usr/bin/env python3
"""Decodes the header fields of one mail, as a receiving system would, for the tests.

Usage: decode_mail_headers.py MESSAGE_FILE
Parses the file with Python's email package (policy=default: RFC 5322 unfolding, RFC 2047
decoding) and prints one JSON object on stdout:
  {"fields": [{"name", "value", "defects", "addresses": [[display name, address]...],
               "legacy_value"}...],
   "message_defects": [...]}
in the order of the message; "addresses" only for address fields; defects by class name.
"legacy_value": the raw value unfolded and decoded by email.header.decode_header, which drops
the white space between adjacent encoded-words as RFC 2047 section 6.2 says; the address parser
of policy=default keeps it inside a display name before Python 3.14 (CPython gh-128110).
Exits non-zero when the file cannot be read.
"""
import email
import email.header
import email.policy
import json
import sys


def main():
    with open(sys.argv[1], "rb") as f:
        message = email.message_from_binary_file(f, policy=email.policy.default)
    fields = []
    raw_values = [raw for _, raw in message.raw_items()]
    for (name, value), raw in zip(message.items(), raw_values):
        unfolded = raw.replace("\r\n", "").replace("\n", "").strip()
        legacy = email.header.make_header(email.header.decode_header(unfolded))
        field = {
            "name": name,
            "value": str(value),
            "defects": [type(d).__name__ for d in getattr(value, "defects", [])],
            "legacy_value": str(legacy),
        }
        if hasattr(value, "addresses"):
            field["addresses"] = [[a.display_name, a.addr_spec] for a in value.addresses]
        fields.append(field)
    message_defects = [type(d).__name__ for d in message.defects]
    json.dump({"fields": fields, "message_defects": message_defects}, sys.stdout)


if __name__ == "__main__":
    main()
