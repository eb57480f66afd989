"""Administrative divisions from the `vietnam-provinces` package (the post-1 July 2025 list)."""

from dataclasses import dataclass
from functools import cache

from vietnam_provinces import Province, ProvinceCode, Ward

from precinct.organisation.models import UnitKind

_KIND_BY_DIVISION = {"phường": UnitKind.WARD, "xã": UnitKind.COMMUNE, "đặc khu": UnitKind.SPECIAL_ZONE}
_EN_SUFFIX = {UnitKind.WARD: "Ward", UnitKind.COMMUNE: "Commune", UnitKind.SPECIAL_ZONE: "Special Zone"}
_PREFIXES = ("Thành phố ", "Tỉnh ", "Phường ", "Xã ", "Đặc khu ")


@dataclass(frozen=True)
class Division:
    code: str
    name: str  # e.g. "Phường Hà Tu"
    short_name: str  # e.g. "Hà Tu"
    kind: str


def _short(name: str) -> str:
    for prefix in _PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


@cache
def province(code: int) -> Division:
    try:
        p = Province.from_code(ProvinceCode(code))
    except (ValueError, KeyError) as exc:
        raise LookupError(f"No province with code {code}") from exc
    return Division(code=f"{int(p.code):02d}", name=p.name, short_name=_short(p.name), kind=UnitKind.PROVINCE)


def communes_of(province_code: int) -> list[Division]:
    wards = [w for w in Ward.iter_all() if int(w.province_code) == province_code]
    return [
        Division(
            code=f"{int(w.code):05d}",
            name=w.name,
            short_name=_short(w.name),
            kind=_KIND_BY_DIVISION[str(w.division_type.value)],
        )
        for w in sorted(wards, key=lambda w: int(w.code))
    ]


def police_name(division: Division) -> tuple[str, str]:
    """The police unit's name in Vietnamese and English."""
    vi = f"Công an {division.name[0].lower()}{division.name[1:]}"
    if division.kind == UnitKind.PROVINCE:
        # A centrally-run city's force is a city police ("Công an thành phố Hà Nội" = Hanoi City Police).
        level = "City" if division.name.startswith("Thành phố ") else "Provincial"
        return vi, f"{division.short_name} {level} Police"
    return vi, f"{division.short_name} {_EN_SUFFIX[UnitKind(division.kind)]} Police"
