#!/usr/bin/env python3
"""A real SMTP server for Trolley's email tests (Debian's python3-aiosmtpd).

Listens on 127.0.0.1:PORT and writes every message it accepts to DIR as one JSON file
(NNNNNN.json, in arrival order): its Message-ID, From, To, Subject, and its plain-text and
HTML bodies decoded. With --refuse it answers every RCPT TO with 550, as a
server that will never take the mail. Prints "ready" once it listens.

    smtp_sink.py PORT DIR [--refuse]
"""
import email
import email.policy
import itertools
import json
import os
import sys

from aiosmtpd.controller import Controller


class Recorder:
    def __init__(self, directory, refuse):
        self.directory = directory
        self.refuse = refuse
        self.counter = itertools.count(1)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        plain = message.get_body(("plain",))
        html = message.get_body(("html",))
        record = {
            "message_id": str(message["Message-ID"]),
            "from": str(message["From"]),
            "to": str(message["To"]),
            "rcpt_tos": envelope.rcpt_tos,
            "subject": str(message["Subject"]),
            "text": plain.get_content() if plain else None,
            "html": html.get_content() if html else None,
        }
        name = os.path.join(self.directory, f"{next(self.counter):06}.json")
        # Written under a temporary name and renamed, so a reader never sees half a file.
        with open(name + ".tmp", "w", encoding="utf-8") as out:
            json.dump(record, out)
        os.rename(name + ".tmp", name)
        return "250 Message accepted for delivery"


def main():
    port, directory = int(sys.argv[1]), sys.argv[2]
    refuse = "--refuse" in sys.argv[3:]
    controller = Controller(Recorder(directory, refuse), hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    try:
        # Until the test kills it (or closes stdin).
        sys.stdin.read()
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
