"""The Penal Code 2015 articles an incident may be classified under, and their statistical groups, read once
from the data file shipped with the app (data/penal_code_2015.json). A province adds an article by editing
the file, not the code."""

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils.translation import get_language

DATA = Path(__file__).parent / "data" / "penal_code_2015.json"


@dataclass(frozen=True, slots=True)
class Article:
    number: str
    title_vi: str
    title_en: str
    group: str

    @property
    def title(self) -> str:
        return self.title_en if (get_language() or "vi").startswith("en") else self.title_vi

    @property
    def label(self) -> str:
        return f"{self.number} – {self.title}"


@dataclass(frozen=True, slots=True)
class Group:
    code: str
    name_vi: str
    name_en: str

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "vi").startswith("en") else self.name_vi


@cache
def _load() -> tuple[dict[str, Article], dict[str, Group]]:
    raw = json.loads(DATA.read_text(encoding="utf-8"))
    groups = {g["code"]: Group(g["code"], g["vi"], g["en"]) for g in raw["groups"]}
    articles = {}
    for a in raw["articles"]:
        if a["group"] not in groups:
            raise ValueError(f"Article {a['article']} names an unknown group {a['group']!r}.")
        articles[a["article"]] = Article(a["article"], a["vi"], a["en"], a["group"])
    return articles, groups


def articles() -> list[Article]:
    return sorted(_load()[0].values(), key=lambda a: int(a.number))


def article(number: str) -> Article | None:
    return _load()[0].get(number)


def groups() -> list[Group]:
    return list(_load()[1].values())


def group(code: str) -> Group | None:
    return _load()[1].get(code)


def group_codes() -> list[str]:
    return list(_load()[1])
