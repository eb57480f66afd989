from typing import Any

from django.conf import settings
from django.http import HttpRequest

from precinct.organisation.models import Unit, UnitKind


def site_unit(request: HttpRequest) -> dict[str, Any]:
    """The provincial police this installation serves, named in the page header."""
    code = f"{settings.PRECINCT_PROVINCE_CODE:02d}"
    unit = Unit.objects.filter(code=code, kind=UnitKind.PROVINCE).only("name", "name_en").first()
    return {"site_unit": unit}
