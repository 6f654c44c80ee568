import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_PHONE_CHARS = re.compile(r"^\+?[0-9 ()./-]+$")


def looks_like_phone(text: str) -> bool:
    """Written only with the characters of a phone number: digits, spaces, dots, dashes, brackets, leading +."""
    return bool(_PHONE_CHARS.match(text))


def phone_digits(phone: str) -> str:
    """The digits of a phone number, for matching and searching regardless of formatting."""
    return re.sub(r"\D", "", phone or "")


def validate_phone(value: str) -> None:
    """A phone number: digits with optional leading +, spaces, dots, dashes and brackets; 6 to 15 digits."""
    if not looks_like_phone(value):
        raise ValidationError(
            _("Enter a phone number using digits, spaces, dashes, brackets and an optional leading +."),
            code="invalid_phone",
        )
    if not 6 <= len(phone_digits(value)) <= 15:
        raise ValidationError(_("A phone number has between 6 and 15 digits."), code="invalid_phone_length")
