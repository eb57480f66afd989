from typing import Any

from django.http import HttpRequest

from precinct.organisation.selectors import province_root_or_none


def site_unit(request: HttpRequest) -> dict[str, Any]:
    """The provincial police this installation serves, named in the page header."""
    return {"site_unit": province_root_or_none()}
