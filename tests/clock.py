"""The moment every test runs at (tests/conftest.py travels there): 15/03/2025, 23:30 in
Vietnam, half an hour before midnight so that tests meet the day's edge."""

import datetime

NOW = datetime.datetime(2025, 3, 15, 23, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=7)))
