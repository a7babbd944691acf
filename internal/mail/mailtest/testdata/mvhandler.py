"""An aiosmtpd handler for mentorvault's mail tests.

It writes each message it accepts to a directory, one file per message
(written under a dot name, then renamed, so a reader never sees half a
message), and refuses the recipients it was told to with a permanent
550, as a mailbox that does not exist would be refused.

    python3 -m aiosmtpd -n -l 127.0.0.1:PORT -c mvhandler.Handler DIR [REJECT,...]
"""
import os
import time


class Handler:
    def __init__(self, directory, reject=""):
        self.directory = directory
        self.reject = {a.strip().lower() for a in reject.split(",") if a.strip()}

    @classmethod
    def from_cli(cls, parser, *args):
        if not args:
            parser.error("mvhandler.Handler needs a directory")
        return cls(*args)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.reject:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        name = "%020d-%d" % (time.time_ns(), id(envelope))
        tmp = os.path.join(self.directory, "." + name)
        with open(tmp, "wb") as f:
            f.write(b"X-Envelope-To: " + ",".join(envelope.rcpt_tos).encode() + b"\r\n")
            f.write(envelope.original_content or envelope.content)
        os.rename(tmp, os.path.join(self.directory, name + ".eml"))
        return "250 2.0.0 Message accepted"
