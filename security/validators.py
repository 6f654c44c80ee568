"""Password rules that work offline: no breached-password service is asked, so a server without internet access
refuses the same passwords.

The list of common passwords is the one Django ships (django/contrib/auth/common-passwords.txt.gz: 20,000
common passwords from breaches, compiled by Royce Williams,
https://gist.github.com/roycewilliams/226886fd01572964e1431ac8afc999ce). Django's own CommonPasswordValidator
only refuses exact matches; this one also refuses them dressed up, as people do to pass length rules:
`Password123!`, `P@ssw0rd2026`, `!!dragon!!`, `monkeymonkey`.
"""

from __future__ import annotations

import re
import unicodedata

from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Leetspeak-lite: the substitutions people make to satisfy "use a digit and a symbol".
_LEET = str.maketrans(
    {
        "0": "o",
        "1": "i",
        "!": "i",
        "|": "i",
        "3": "e",
        "4": "a",
        "@": "a",
        "5": "s",
        "$": "s",
        "7": "t",
        "+": "t",
        "8": "b",
        "9": "g",
        "6": "g",
        "2": "z",
    }
)
_EDGES = re.compile(r"^[\W\d_]+|[\W\d_]+$")
_NOT_LETTERS = re.compile(r"[\W\d_]+")
# Stripped cores shorter than this are not looked up, so a random password ending in digits is not refused
# because its first two letters happen to be a listed password.
_MIN_CORE = 4
_KEYBOARD_ROWS = ("`1234567890-=", "qwertyuiop[]\\", "asdfghjkl;'", "zxcvbnm,./", "qwertzuiopü", "azertyuiop")


def _fold(text: str) -> str:
    """Lower case without accents: `Müller` and `muller` are the same to someone guessing."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _repeated_unit(text: str) -> str:
    """The shortest string that `text` repeats (`abcabc` -> `abc`); `text` itself if none."""
    for size in range(1, len(text) // 2 + 1):
        if len(text) % size == 0 and text[:size] * (len(text) // size) == text:
            return text[:size]
    return text


def common_forms(password: str) -> set[str]:
    """What a password may be underneath: lower-cased, digits and symbols cut from both ends, leetspeak undone,
    a repeated word taken once."""
    folded = _fold(password)
    forms = {folded, folded.translate(_LEET)}
    for form in list(forms):
        core = _EDGES.sub("", form)
        if len(core) >= _MIN_CORE:
            forms.add(core)
            forms.add(core.translate(_LEET))
    for form in list(forms):
        unit = _repeated_unit(form)
        if unit != form and len(unit) >= _MIN_CORE:
            forms.add(unit)
    return forms


class NormalisedCommonPasswordValidator(CommonPasswordValidator):
    """Refuses a password that is one of 20,000 common ones once case, digits and symbols at either end,
    leetspeak and repetition are set aside."""

    def validate(self, password, user=None):
        if common_forms(password) & self.passwords:
            raise ValidationError(
                _(
                    "This password is a common password with small changes (capitals, digits or symbols added, "
                    "letters swapped for look-alikes). Choose something less predictable."
                ),
                code="password_too_common",
            )

    def get_help_text(self):
        return _("Your password can’t be a common password, even with capitals, digits or symbols added.")


def _steps_evenly(text: str) -> bool:
    """`abcdef`, `987654`, `aceg`…: every character the same distance from the one before."""
    steps = {ord(b) - ord(a) for a, b in zip(text, text[1:], strict=False)}
    return len(steps) == 1 and abs(next(iter(steps))) <= 2


def _walks_keyboard(text: str) -> bool:
    """`qwertyuiop`, `asdfghjkl;`, `poiuytrewq`: neighbouring keys of one row, in one direction."""
    for row in _KEYBOARD_ROWS:
        if len(text) >= 4 and (text in row * 2 or text in row[::-1] * 2):
            return True
    return False


class TrivialPasswordValidator:
    """Refuses passwords made of one character or a short repeated pattern, and runs along the alphabet, the
    digits or a keyboard row (`aaaaaaaaaaaa`, `abcabcabcabc`, `abcdefghijkl`, `qwertyuiop12`)."""

    def validate(self, password, user=None):
        folded = _fold(password)
        core = _EDGES.sub("", folded) or folded
        if (
            len(set(folded)) <= 2
            or len(_repeated_unit(folded)) <= 4
            or _steps_evenly(folded)
            or _steps_evenly(core)
            and len(core) >= 8
            or _walks_keyboard(core)
            and len(core) >= 8
            or _walks_keyboard(folded)
        ):
            raise ValidationError(
                _(
                    "This password is too easy to guess: it repeats a character or a short pattern, or follows "
                    "the alphabet, the digits or a row of the keyboard."
                ),
                code="password_too_simple",
            )

    def get_help_text(self):
        return _(
            "Your password can’t be one repeated character, a repeated pattern or a run such as “abcdef” or “qwerty”."
        )


def _name_parts(user) -> list[str]:
    values = [getattr(user, field, "") or "" for field in ("first_name", "last_name", "username")]
    username = getattr(user, "get_username", lambda: "")() or ""
    email = getattr(user, "email", "") or ""
    values += [username, email.partition("@")[0]]
    parts = {part for value in values for part in _NOT_LETTERS.split(_fold(value)) if len(part) >= 2}
    return sorted(parts, key=len, reverse=True)


class PersonalNamePasswordValidator:
    """Refuses passwords built from the user's own first, last and user names (in any order and case, with
    digits, symbols and leetspeak around them): `Rita.Rep.2026!`, `repRITA99`, `W4ngWei!!2026`.

    Django's UserAttributeSimilarityValidator compares the whole password with each attribute, which misses
    names combined with each other or padded with digits."""

    #: letters that may remain after taking the names out; fewer means the names are the password.
    min_other_letters = 4

    def validate(self, password, user=None):
        if user is None:
            return
        parts = _name_parts(user)
        if not parts:
            return
        folded = _fold(password)
        for form in {folded, folded.translate(_LEET), _EDGES.sub("", folded).translate(_LEET)}:
            letters = _NOT_LETTERS.sub("", form)
            rest = letters
            for part in parts:
                rest = rest.replace(part, "")
            if rest != letters and len(rest) < self.min_other_letters:
                raise ValidationError(
                    _(
                        "This password is made of your own names. Choose something others cannot guess from "
                        "your name or user name."
                    ),
                    code="password_from_names",
                )

    def get_help_text(self):
        return _("Your password can’t be made of your first name, last name or user name.")
