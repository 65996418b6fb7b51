"""Sign-in, sessions, CSRF and who may see what."""
