"""Notices that leave the portal (issue 13): the outbox, the channels (e-mail over SMTP,
SMS through a Notify-compatible API, printed letter as a PDF/UA file in a daily batch),
what each message says, and the worker that delivers them (``python -m portal.worker``).

A notice is created with ``portal.services.notices.create_notice``; that writes the
inbox row and one ``Delivery`` per chosen channel in the caller's transaction. Adding
a notice kind is adding its texts to ``portal.notify.content.KINDS``."""
