"""Create the PostgreSQL database of DATABASE_URL when it does not exist yet (`make restore` runs it
first, so a backup restores onto a fresh server). An existing database is left as it is."""

import psycopg2
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from psycopg2 import sql


class Command(BaseCommand):
    help = "Create the PostgreSQL database of DATABASE_URL if it is missing."

    def handle(self, *args, **options):
        database = settings.DATABASES["default"]
        if database["ENGINE"] != "django.db.backends.postgresql":
            raise CommandError("DATABASE_URL is not a PostgreSQL database: backups and restores need one.")
        name = database["NAME"]
        # The server's own 'postgres' database is where a new database is created from.
        connection = psycopg2.connect(
            dbname="postgres",
            user=database["USER"] or None,
            password=database["PASSWORD"] or None,
            host=database["HOST"] or None,
            port=database["PORT"] or None,
        )
        connection.autocommit = True  # CREATE DATABASE cannot run inside a transaction.
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
                if cursor.fetchone():
                    self.stdout.write(f"Database {name} exists.")
                    return
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        finally:
            connection.close()
        self.stdout.write(f"Database {name} created.")
