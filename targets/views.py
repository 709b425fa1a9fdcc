# PLACEHOLDER until its helper writes it: every view answers 404.
from django.http import Http404


def dashboard(request, **kwargs):
    raise Http404


def print_layout(request, **kwargs):
    raise Http404


def new_clubs(request, **kwargs):
    raise Http404


def clubs_behind(request, **kwargs):
    raise Http404


def units_behind(request, **kwargs):
    raise Http404
