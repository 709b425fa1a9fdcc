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
