"""Writes to the club register, one module per concern:

- register.py: a club registered, its details changed, suspended, resumed or dissolved;
- locations.py: where a club sits on each map — registered, followed along the lineage onto the
  later maps, decided by province staff where its unit was split.

Every service is atomic, takes the acting user and is audited. Callers import the module they
need (`from clubs.services import register`; `register.club_create(...)`); the messages of the
refusals stay in the module that raises them (`register.ERROR_UNIT_HAS_COMMUNES`).
"""
