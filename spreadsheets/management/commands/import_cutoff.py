from spreadsheets.commands import ImportCommand


class Command(ImportCommand):
    help = (
        "Import the cut-off sheet of running clubs going live (the template of /spreadsheets/cutoff/import/): fund "
        "opening balances and open loans, all rows or none. With --user, only into the clubs that user may take live."
    )
    kind = "cutoff"
