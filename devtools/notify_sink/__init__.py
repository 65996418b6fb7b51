"""Local stand-ins for the services notices leave through, for development and tests:

* ``MailSink`` -- a real SMTP server (aiosmtpd) that keeps every message it receives
  as an ``.eml`` file;
* ``fake_notify_app`` -- a Notify-compatible HTTP API (the part the GOV.UK Notify client
  uses to send an SMS) that checks the client's JWT, knows its templates by id, and
  deduplicates on ``reference`` as the real service does, keeping every SMS it accepts.

``python -m devtools.notify_sink`` starts both (``make run`` does this). Self-contained:
it imports nothing from ``portal``."""
