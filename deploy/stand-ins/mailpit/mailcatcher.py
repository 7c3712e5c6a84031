"""A mail catcher for the stand-in Mailpit image: SMTP in on 1025, a web page out on 8025.

Only what Trolley's demo and smoke test use of Mailpit: messages are kept in memory, the
page at / lists them (newest first) with their plain-text bodies, and GET
/api/v1/messages answers {"total": N, "messages": [{"ID", "MessageID", "From", "To",
"Subject", "Created"}]} in Mailpit's shape.
"""

import datetime
import email
import email.policy
import html
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller

messages = []
lock = threading.Lock()


class Catcher:
    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        body = parsed.get_body(preferencelist=("plain", "html"))
        with lock:
            messages.append({
                "ID": str(len(messages) + 1),
                "MessageID": (parsed["Message-ID"] or "").strip("<>"),
                "From": {"Address": envelope.mail_from},
                "To": [{"Address": to} for to in envelope.rcpt_tos],
                "Subject": str(parsed["Subject"] or ""),
                "Created": datetime.datetime.now(datetime.timezone.utc).isoformat(),
                "Text": body.get_content() if body else "",
            })
        return "250 Message accepted for delivery"


class Web(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's name)
        with lock:
            newest_first = list(reversed(messages))
        if self.path.startswith("/api/v1/messages"):
            listed = [{k: v for k, v in m.items() if k != "Text"} for m in newest_first]
            self.answer("application/json",
                        json.dumps({"total": len(listed), "messages": listed}))
        elif self.path == "/":
            rows = "".join(
                f"<article><h2>{html.escape(m['Subject'])}</h2><p>To "
                f"{html.escape(', '.join(t['Address'] for t in m['To']))}, "
                f"{html.escape(m['Created'])}</p><pre>{html.escape(m['Text'])}</pre></article>"
                for m in newest_first)
            self.answer("text/html; charset=utf-8",
                        "<!doctype html><title>Mail catcher (Mailpit stand-in)</title>"
                        f"<h1>{len(newest_first)} messages</h1>{rows}")
        else:
            self.send_error(404)

    def answer(self, content_type, text):
        body = text.encode()
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


if __name__ == "__main__":
    Controller(Catcher(), hostname="0.0.0.0", port=1025).start()
    ThreadingHTTPServer(("0.0.0.0", 8025), Web).serve_forever()
