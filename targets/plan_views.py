# PLACEHOLDER until its helper writes it: every view answers 404.
from django.http import Http404


def plan_list(request, **kwargs):
    raise Http404


def plan_create(request, **kwargs):
    raise Http404


def plan_edit(request, **kwargs):
    raise Http404
