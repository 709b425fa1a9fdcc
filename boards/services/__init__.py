"""Writes to a club's board and teams. Each service is atomic, takes the acting user and is
audited; board.py holds the board's seats, teams.py the teams and their members, leavers.py what
a member's leaving ends, checks.py the rules they share."""

from boards.services.board import BoardAppointment, board_position_end, board_position_start
from boards.services.leavers import club_roles_end_for_leaver
from boards.services.teams import (
    TEAM_FIELDS,
    team_cared_for_add,
    team_create,
    team_end,
    team_member_add,
    team_member_end,
    team_update,
)

__all__ = [
    "TEAM_FIELDS",
    "BoardAppointment",
    "board_position_end",
    "board_position_start",
    "club_roles_end_for_leaver",
    "team_cared_for_add",
    "team_create",
    "team_end",
    "team_member_add",
    "team_member_end",
    "team_update",
]
