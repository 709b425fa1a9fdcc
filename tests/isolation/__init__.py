"""Data-level isolation (tests/test_data_isolation.py): what each action posts and what each list
shows, club A1's (district A) against club B1's (district B).

actions.py decides every URL that accepts POST: the valid body of each, posted in scope and out of
scope; lists.py names every page and export that lists clubs or people. A POST URL that neither
table decides makes test_every_post_url_has_an_isolation_decision fail.
"""
