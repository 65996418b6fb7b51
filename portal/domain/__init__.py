"""Pure domain rules: no I/O, no database, no web. Each module cites its legal source."""
