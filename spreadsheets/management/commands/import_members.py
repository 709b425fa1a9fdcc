from spreadsheets.commands import ImportCommand


class Command(ImportCommand):
    help = (
        "Import members from an .xlsx file (the template of /spreadsheets/members/import/): all rows or none. "
        "With --user, only into the clubs whose register that user keeps."
    )
    kind = "members"
