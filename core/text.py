"""Vietnamese text helpers: accent-folded search keys and the usual sort order of names."""

import unicodedata


def fold(text: str) -> str:
    """Lower-case, drop diacritics and map đ to d: "Nguyễn Thị Đào" → "nguyen thi dao".

    Stored beside a name and compared with the folded search, this gives the same
    accent-insensitive search on PostgreSQL and SQLite.
    """
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(stripped.lower().split())


def split_lines(text: str) -> list[str]:
    """A textarea of one entry per line → the non-empty, trimmed entries."""
    return [line.strip() for line in text.splitlines() if line.strip()]


# Vietnamese alphabetical order: ă and â after a, đ after d, ê after e, ô and ơ after o, ư after u.
_ALPHABET = [
    "a",
    "ă",
    "â",
    "b",
    "c",
    "d",
    "đ",
    "e",
    "ê",
    "f",
    "g",
    "h",
    "i",
    "j",
    "k",
    "l",
    "m",
    "n",
    "o",
    "ô",
    "ơ",
    "p",
    "q",
    "r",
    "s",
    "t",
    "u",
    "ư",
    "v",
    "w",
    "x",
    "y",
    "z",
]
_LETTER_RANK = {letter: index for index, letter in enumerate(_ALPHABET)}
# Tone marks, in the order dictionaries use: none, grave, hook, tilde, acute, dot below.
_TONE_RANK = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_TONES = set(_TONE_RANK)


def vietnamese_sort_key(name: str) -> str:
    """A key that sorts people the way Vietnamese lists do: by the given name (the last word),
    then the whole name, letters in Vietnamese order (Dũng before Đào), tones deciding last.

    Stored beside the name and ordered on in SQL, so both databases sort alike.
    """
    words = name.split()
    text = " ".join([words[-1], *words] if words else [])
    letters: list[tuple[int, str]] = []
    tones: list[str] = []
    for char in unicodedata.normalize("NFD", text.lower()):
        if char in _TONES:
            tones[-1:] = [str(_TONE_RANK[char])]
            continue
        if unicodedata.combining(char) and letters:
            # A letter's own mark (ă, â, ê, ô, ơ, ư): compose it back and rank the letter.
            composed = unicodedata.normalize("NFC", letters.pop()[1] + char)
            letters.append((_LETTER_RANK.get(composed, 0), composed))
            continue
        letters.append((_LETTER_RANK.get(char, -1), char))
        tones.append("0")
    primary = "".join(chr(0x41 + rank) if rank >= 0 else char for rank, char in letters)
    return f"{primary}~{''.join(tones)}"
