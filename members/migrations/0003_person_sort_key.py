"""People sort in Vietnamese letter order (Dũng before Đào), not by the accent-folded given name.

The sort key is computed as core.text.vietnamese_sort_key computed it when this migration was
written, copied here so that a later change to that function cannot change what this migration does.
"""

import unicodedata

from django.db import migrations, models

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
    letters, tones = [], []
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


def fill_sort_keys(apps, schema_editor):
    Person = apps.get_model("members", "Person")
    people = list(Person.objects.order_by("pk").only("pk", "full_name"))
    for person in people:
        person.sort_key = vietnamese_sort_key(person.full_name)
    Person.objects.bulk_update(people, ["sort_key"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("members", "0002_ethnicities")]

    operations = [
        migrations.RenameField(model_name="person", old_name="given_name_folded", new_name="sort_key"),
        migrations.AlterField(
            model_name="person",
            name="sort_key",
            field=models.CharField(db_index=True, editable=False, max_length=255),
        ),
        migrations.AlterModelOptions(
            name="person",
            options={"ordering": ["sort_key", "pk"], "verbose_name": "person", "verbose_name_plural": "people"},
        ),
        migrations.RunPython(fill_sort_keys, migrations.RunPython.noop),
    ]
