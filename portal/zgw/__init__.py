"""Mirror of a ZGW case system (Open Zaak): the client, the pure mapping from ZGW JSON to
a snapshot, the one sync function that writes a snapshot into our tables, and the
Notificaties inbox with its worker. Only used when ``PORTAL_ZGW_ZAKEN_URL`` is set."""
