"""People's names, the same on both sides of every look-up.

``normalize(name, field)`` is the one function every service applies where a
person's name is stored or compared (registration's applications and
look-ups, exam's tickets, scores and objections, certificates and their
look-ups, assessor training, payers):

- Unicode NFC (a name typed with a combining mark equals the precomposed one);
- every white-space character (ASCII space, U+3000 ideographic space, NBSP,
  ...) is a space; runs of spaces collapse to one; leading and trailing
  spaces go;
- every middle-dot variant (U+00B7 ·, U+2022 •, U+2027 ‧, U+2219 ∙, U+22C5 ⋅,
  U+2E31 ⸱, U+30FB ・, U+FF65 ･, U+0387 by NFC) becomes U+00B7, and so does a
  '.' or '．' between two CJK characters: 阿依古丽•买买提, 阿依古丽・买买提 and
  阿依古丽.买买提 are all 阿依古丽·买买提; spaces around the dot go
  (阿依古丽 · 买买提 too);
- control, format and separator characters (Unicode categories Cc, Cf, Cs,
  Zl, Zp: tabs, new lines, U+202E right-to-left override, U+200B zero-width
  space, U+FEFF, ...) are refused: ``ValidationFailed`` (VALIDATION_FAILED)
  naming the field, with the characters as ``U+XXXX`` in ``details``.
  Private-use characters are kept (rare name characters 生僻字 live there).

``NameField`` is the marshmallow field doing the same inside a schema (the
error then names the nested path, e.g. ``person.name``).
"""
import re
import unicodedata

from marshmallow import fields, ValidationError

from kernel.errors import ValidationFailed

MIDDLE_DOT = "\u00b7"
DOT_VARIANTS = "\u00b7\u2022\u2027\u2219\u22c5\u2e31\u30fb\uff65\u0387"
REFUSED_CATEGORIES = ("Cc", "Cf", "Cs", "Zl", "Zp")

_CJK = ("\u2e80-\u2fdf\u3005-\u3007\u3021-\u3029\u3038-\u303b\u3400-\u4dbf\u4e00-\u9fff"
        "\uf900-\ufaff\U00020000-\U0003ffff")
_DOTS = re.compile(" ?[%s] ?" % DOT_VARIANTS)
_CJK_STOP = re.compile("(?<=[%s]) ?[.\uff0e] ?(?=[%s])" % (_CJK, _CJK))
_SPACES = re.compile(" {2,}")


class NameRefused(ValueError):
    def __init__(self, message, characters=()):
        super().__init__(message)
        self.message = message
        self.characters = list(characters)


def refused_characters(text):
    """The characters a name may not hold, as U+XXXX, in order of appearance."""
    seen = []
    for ch in text:
        if unicodedata.category(ch) in REFUSED_CATEGORIES:
            code = "U+%04X" % ord(ch)
            if code not in seen:
                seen.append(code)
    return seen


def _normalize(value):
    if not isinstance(value, str):
        raise NameRefused("a name must be text")
    text = unicodedata.normalize("NFC", value)
    bad = refused_characters(text)
    if bad:
        raise NameRefused("a name may not contain control or formatting characters "
                          "(%s)" % ", ".join(bad), bad)
    text = "".join(" " if ch.isspace() else ch for ch in text)
    text = _SPACES.sub(" ", text).strip()
    text = _DOTS.sub(MIDDLE_DOT, text)
    text = _CJK_STOP.sub(MIDDLE_DOT, text)
    if not text:
        raise NameRefused("a name may not be empty")
    return text


def normalize(value, field="name"):
    """The name as stored and compared, or ValidationFailed naming ``field``."""
    try:
        return _normalize(value)
    except NameRefused as exc:
        raise ValidationFailed("VALIDATION_FAILED", f"{field}: {exc.message}", field=field,
                               details={"errors": {field: [exc.message]},
                                        "characters": exc.characters})


def normalize_lenient(value):
    """For names already stored (data migrations, other services' events): the
    normal form where there is one, the value unchanged where it is refused."""
    try:
        return _normalize(value)
    except NameRefused:
        return value


def same(a, b):
    """True when two names are the same person's name once normalised."""
    return normalize_lenient(a) == normalize_lenient(b)


class NameField(fields.String):
    """A marshmallow String that loads to the normalised name (refusals become
    the field's validation error)."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            return _normalize(text)
        except NameRefused as exc:
            raise ValidationError(exc.message)
