"""Development-only tooling, kept outside the product package ``portal``: the demo
municipality (``devtools.demo``), the DigiD / eHerkenning / staff login simulator
(``devtools.simulator``), the local mail and Notify sinks (``devtools.notify_sink``), the fake ZGW case system (``devtools.fake_zgw``) and
the development entry point (``devtools.main``).

The product never imports this package (an import-linter contract in the test suite
checks it); ``make run``, the tests, the benchmark and the accessibility suite do.
"""
