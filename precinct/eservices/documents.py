"""What the one-stop shop's documents share: the letterhead of the unit that issues them (Decree 30/2020/
NĐ-CP), drawn by core.pdf.OfficialDocument."""

import datetime

from precinct.core.pdf import Letterhead, place_name
from precinct.organisation.models import COMMUNE_LEVEL_KINDS, Unit
from precinct.organisation.selectors import province_root_or_none


def unit_letterhead(unit: Unit, *, day: datetime.date, number: str = "") -> Letterhead:
    """The issuing unit under the body it belongs to, dated at the locality: the ward itself for a ward,
    commune or special-zone police, the province for the provincial police and its departments."""
    parent = unit.parent if unit.parent_id else None
    # The province is looked up only when it is the place (a commune-level unit is its own): one query less
    # for every receipt of a ward's dossier.
    place = unit if unit.kind in COMMUNE_LEVEL_KINDS else (province_root_or_none() or unit)
    return Letterhead(
        issuer=unit.name,
        parent=parent.name if parent is not None else "",
        place=place_name(place.name),
        day=day,
        number=number,
    )
