#!/usr/bin/python3
"""A real SMTP server on loopback for tests (Debian's python3-aiosmtpd).

    smtp-sink.py PORT DIR [USER PASSWORD]

Takes mail on 127.0.0.1:PORT and writes each message to DIR as N.json:
the envelope, and the headers and text as Python's own e-mail parser reads
them (an independent reader of what Packbench sent). With USER and PASSWORD
a login is required (AUTH PLAIN/LOGIN, no TLS: loopback only) and any other
login is refused with 535. Prints "ready" when it accepts connections and
runs until stdin closes.
"""

import base64
import email
import email.policy
import json
import os
import sys

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def main():
    port = int(sys.argv[1])
    out = sys.argv[2]
    creds = (sys.argv[3], sys.argv[4]) if len(sys.argv) > 4 else None
    os.makedirs(out, exist_ok=True)

    class Handler:
        count = 0

        async def handle_DATA(self, server, session, envelope):
            Handler.count += 1
            msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
            body = msg.get_body(preferencelist=("plain",))
            record = {
                "mail_from": envelope.mail_from,
                "rcpt_tos": envelope.rcpt_tos,
                "from": str(msg["From"]),
                "to": str(msg["To"]),
                "subject": str(msg["Subject"]),
                "message_id": str(msg["Message-ID"]),
                "content_type": msg.get_content_type(),
                "charset": body.get_content_charset() if body else None,
                "text": body.get_content() if body else "",
                # Files sent with the message (a purchase order's PDF and
                # CSV), their bytes in base64.
                "attachments": [
                    {
                        "filename": part.get_filename(),
                        "content_type": part.get_content_type(),
                        "base64": base64.b64encode(part.get_payload(decode=True) or b"").decode(),
                    }
                    for part in msg.iter_attachments()
                ],
            }
            tmp = os.path.join(out, f".{Handler.count}.tmp")
            with open(tmp, "w", encoding="utf-8") as f:
                json.dump(record, f, ensure_ascii=False)
            os.rename(tmp, os.path.join(out, f"{Handler.count}.json"))
            return "250 Message accepted for delivery"

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (
            creds is not None
            and isinstance(auth_data, LoginPassword)
            and auth_data.login.decode() == creds[0]
            and auth_data.password.decode() == creds[1]
        )
        return AuthResult(success=ok, handled=False)

    kwargs = {}
    if creds:
        kwargs = dict(authenticator=authenticator, auth_required=True, auth_require_tls=False)
    controller = Controller(Handler(), hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    print("ready", flush=True)
    try:
        sys.stdin.read()
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
