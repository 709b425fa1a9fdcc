# PLACEHOLDER until its helper writes it: every view answers 404.
from django.http import Http404


def xlsx_export(request, **kwargs):
    raise Http404


def pdf_export(request, **kwargs):
    raise Http404
