"""Bad input never gives a 500, signed in as resident A: the fuzzing of test_bad_input.py
(every route, odd paths, queries, forms, bodies and headers) behind the sign-in."""

from __future__ import annotations

import pytest

from tests.test_bad_input import fuzz_every_route

pytestmark = pytest.mark.long


def test_no_route_answers_bad_input_with_a_server_error_when_signed_in(app):
    fuzz_every_route(app, signed_in=True)
