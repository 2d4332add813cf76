"""Password rules beyond Django's own (settings.AUTH_PASSWORD_VALIDATORS).

Django's list of common passwords is English-heavy: `passwort1234` or `Jugendamt123` pass it. The
German list (juwe/data/common-passwords-de.txt) holds common German passwords and the words of
this office; the validator also refuses such a word with digits or characters put before or after
it, which is how people meet a length rule ("Sommer2024!!"). And a password must not be the one
used last: a forced change that allows the old password back changes nothing.
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth.hashers import check_password, is_password_usable
from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

GERMAN_WORD_LIST = Path(__file__).resolve().parent / "data" / "common-passwords-de.txt"

COMMON_WORD = _("This password is a common word with a few digits or characters added and is easy to guess.")
REUSED = _("This password was used before. Please choose a new one.")

# Letters people write as digits or signs ("Pa$$w0rt").
_UNLEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i"})


def _core(text: str) -> str:
    """The word inside a password: without the digits and signs before and after it."""
    start, end = 0, len(text)
    while start < end and not text[start].isalpha():
        start += 1
    while end > start and not text[end - 1].isalpha():
        end -= 1
    return text[start:end]


class CommonWordPasswordValidator(CommonPasswordValidator):
    """A CommonPasswordValidator for a word list, that also sees through added digits and signs.

    The list is plain UTF-8 text, one lower-case word a line (umlauts and their ae/oe/ue spelling).
    """

    def __init__(self, password_list_path: str | Path = GERMAN_WORD_LIST):
        text = Path(password_list_path).read_text(encoding="utf-8")
        self.passwords = {line.strip().lower() for line in text.splitlines() if line.strip()}

    def validate(self, password, user=None):
        lowered = password.lower().strip()
        core = _core(lowered)
        candidates = {lowered, core, core.translate(_UNLEET)}
        if candidates & self.passwords:
            raise ValidationError(COMMON_WORD, code="password_too_common")

    def get_help_text(self):
        return _("Your password can’t be a common word such as “Jugendamt” or “Sommer”, not even with digits added.")


class PreviousPasswordValidator:
    """Refuses the user's current password and the one before it (User.previous_password).

    Uses the hasher's check only – never `user.check_password`, which may rehash and save.
    """

    def validate(self, password, user=None):
        if user is None:
            return
        for encoded in (getattr(user, "password", ""), getattr(user, "previous_password", "")):
            if encoded and is_password_usable(encoded) and check_password(password, encoded):
                raise ValidationError(REUSED, code="password_reused")

    def get_help_text(self):
        return _("Your password can’t be the one you used last.")
