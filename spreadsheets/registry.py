"""Every import the product offers, by kind: the web views and the commands find them here."""

from spreadsheets.club_import import CLUB_IMPORT
from spreadsheets.cutoff_import import CUTOFF_IMPORT
from spreadsheets.importing import ImportSpec
from spreadsheets.member_import import MEMBER_IMPORT

IMPORTS: dict[str, ImportSpec] = {spec.kind: spec for spec in (CLUB_IMPORT, MEMBER_IMPORT, CUTOFF_IMPORT)}
