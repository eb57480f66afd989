"""The one-stop shop's parts of the home page (organisation's view renders the page and imports no app above
it; the template loads these): the most used procedures, and what the citizen's dossiers need from them now."""

from typing import Any

from django import template

from precinct.core.actors import Actor
from precinct.eservices import selectors

register = template.Library()


@register.simple_tag
def popular_procedures(limit: int = 6) -> list[Any]:
    return selectors.procedure_popular(limit=limit)


@register.simple_tag
def dossiers_needing(user: Actor) -> list[Any]:
    return selectors.dossier_needs(actor=user)
