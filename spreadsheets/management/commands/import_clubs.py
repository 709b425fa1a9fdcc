from spreadsheets.commands import ImportCommand


class Command(ImportCommand):
    help = "Import clubs from an .xlsx file (the template of /spreadsheets/clubs/import/): all rows or none."
    kind = "clubs"
