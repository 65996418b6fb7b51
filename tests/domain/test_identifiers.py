"""Table tests for BSN/RSIN/KVK/vestigingsnummer validation.

Valid check digits were worked out by hand with the 11-proef
(9*d1 + 8*d2 + ... + 2*d8 - 1*d9 divisible by 11), e.g. 111222333:
9+8+7+12+10+8+9+6 - 3 = 66 = 6*11.
"""

import pytest

from portal.domain.identifiers import (
    InvalidIdentifier,
    is_valid_bsn,
    is_valid_kvk,
    is_valid_rsin,
    is_valid_vestigingsnummer,
    normalise_identifier,
    validate_bsn,
    validate_kvk,
    validate_rsin,
    validate_vestigingsnummer,
)

VALID_BSN = [
    pytest.param("123456782", id="example-from-docs"),
    pytest.param("111222333", id="sum-66"),
    pytest.param("999999990", id="sum-396"),
    pytest.param("100000009", id="sum-zero-but-not-all-zeros"),
    pytest.param("010000008", id="leading-zero"),
]

INVALID_BSN = [
    pytest.param("123456789", id="check-digit-wrong-sum-147"),
    pytest.param("123456781", id="check-digit-off-by-one"),
    pytest.param("111222334", id="last-digit-changed"),
    pytest.param("000000000", id="all-zeros-passes-proef-but-rejected"),
    pytest.param("12345678", id="eight-digits-not-padded"),
    pytest.param("1234567820", id="ten-digits"),
    pytest.param("12345678a", id="letter"),
    pytest.param("", id="empty"),
    pytest.param(None, id="none"),
    pytest.param(123456782, id="int-not-str"),
    pytest.param(" 123456782", id="leading-space-not-normalised"),
    pytest.param("1234.56.782", id="dots-not-normalised"),
    pytest.param("١٢٣٤٥٦٧٨٢", id="arabic-indic-digits"),
    pytest.param("-23456782", id="minus-sign"),
]


@pytest.mark.parametrize("value", VALID_BSN)
def test_valid_bsn(value):
    assert is_valid_bsn(value) is True


@pytest.mark.parametrize("value", INVALID_BSN)
def test_invalid_bsn(value):
    assert is_valid_bsn(value) is False


@pytest.mark.parametrize(
    "value, expected",
    [
        pytest.param("001005650", True, id="sum-55"),
        pytest.param("002220647", True, id="sum-55-other"),
        pytest.param("123456782", True, id="same-proef-as-bsn"),
        pytest.param("002220648", False, id="check-digit-wrong"),
        pytest.param("000000000", False, id="all-zeros"),
        pytest.param("00222064", False, id="eight-digits"),
        pytest.param("", False, id="empty"),
        pytest.param(None, False, id="none"),
    ],
)
def test_rsin(value, expected):
    assert is_valid_rsin(value) is expected


@pytest.mark.parametrize(
    "value, expected",
    [
        pytest.param("12345678", True, id="eight-digits"),
        pytest.param("69599084", True, id="other-eight-digits"),
        pytest.param("01234567", True, id="leading-zero"),
        pytest.param("00000000", False, id="all-zeros"),
        pytest.param("1234567", False, id="seven-digits"),
        pytest.param("123456789", False, id="nine-digits"),
        pytest.param("1234567a", False, id="letter"),
        pytest.param("1234 5678", False, id="space-not-normalised"),
        pytest.param("", False, id="empty"),
        pytest.param(None, False, id="none"),
        pytest.param(12345678, False, id="int-not-str"),
    ],
)
def test_kvk(value, expected):
    assert is_valid_kvk(value) is expected


@pytest.mark.parametrize(
    "value, expected",
    [
        pytest.param("000012345678", True, id="leading-zeros"),
        pytest.param("123456789012", True, id="twelve-digits"),
        pytest.param("000000000000", False, id="all-zeros"),
        pytest.param("00001234567", False, id="eleven-digits"),
        pytest.param("0000123456789", False, id="thirteen-digits"),
        pytest.param("00001234567x", False, id="letter"),
        pytest.param("", False, id="empty"),
        pytest.param(None, False, id="none"),
    ],
)
def test_vestigingsnummer(value, expected):
    assert is_valid_vestigingsnummer(value) is expected


@pytest.mark.parametrize(
    "value, expected",
    [
        pytest.param("1234.56.782", "123456782", id="dots"),
        pytest.param("1234 56 782", "123456782", id="spaces"),
        pytest.param("123-456-782", "123456782", id="dashes"),
        pytest.param(" 123456782 \n", "123456782", id="surrounding-whitespace"),
        pytest.param("\t12 34-56.78", "12345678", id="mixed"),
        pytest.param("12345678", "12345678", id="already-clean"),
        pytest.param("", "", id="empty"),
        pytest.param(None, "", id="none"),
        pytest.param("12a4", "12a4", id="letters-kept-for-validation-to-reject"),
    ],
)
def test_normalise_identifier(value, expected):
    assert normalise_identifier(value) == expected


@pytest.mark.parametrize(
    "validate, value, expected",
    [
        pytest.param(validate_bsn, "1234.56.782", "123456782", id="bsn-dots"),
        pytest.param(validate_bsn, " 111 222 333 ", "111222333", id="bsn-spaces"),
        pytest.param(validate_rsin, "0022-20-647", "002220647", id="rsin-dashes"),
        pytest.param(validate_kvk, "1234 5678", "12345678", id="kvk-space"),
        pytest.param(validate_vestigingsnummer, "0000.1234.5678", "000012345678", id="vestiging"),
    ],
)
def test_validate_returns_clean_value(validate, value, expected):
    assert validate(value) == expected


@pytest.mark.parametrize(
    "validate, value, code",
    [
        pytest.param(validate_bsn, "123456789", "bsn_invalid", id="bsn-check-digit"),
        pytest.param(validate_bsn, "000.000.000", "bsn_invalid", id="bsn-zeros"),
        pytest.param(validate_bsn, None, "bsn_invalid", id="bsn-none"),
        pytest.param(validate_bsn, "", "bsn_invalid", id="bsn-empty"),
        pytest.param(validate_rsin, "002220648", "rsin_invalid", id="rsin-check-digit"),
        pytest.param(validate_kvk, "1234567", "kvk_invalid", id="kvk-short"),
        pytest.param(validate_kvk, "0000-0000", "kvk_invalid", id="kvk-zeros"),
        pytest.param(validate_vestigingsnummer, "12345678", "vestiging_invalid", id="vestiging-short"),
        pytest.param(validate_vestigingsnummer, None, "vestiging_invalid", id="vestiging-none"),
    ],
)
def test_validate_raises_with_code(validate, value, code):
    with pytest.raises(InvalidIdentifier) as caught:
        validate(value)
    assert caught.value.code == code
    assert isinstance(caught.value, ValueError)


def test_error_message_does_not_leak_the_number():
    # A BSN must not end up in logs through an exception message.
    with pytest.raises(InvalidIdentifier) as caught:
        validate_bsn("987654321")
    assert "987654321" not in str(caught.value)
    assert "BSN" in str(caught.value)
