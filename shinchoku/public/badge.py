"""A static SVG badge of one project's latest published grade, for a city's own CMS to place (no iframe, no JS)."""

from __future__ import annotations

from django.utils.html import escape

from shinchoku.public.keys import project_key
from shinchoku.public.published import PublishedYear
from shinchoku.wareki import format_fiscal_year

_COLOURS = {"A": "#1d6b2f", "B": "#1f4e8c", "C": "#8a5a00", "D": "#a0262a"}  # all ≥ 4.5:1 against white text


def latest_grade(years: list[PublishedYear], key: str, *, up_to: int) -> tuple[str, str | None] | None:
    """(project name, grade) from the newest published year ≤ up_to that has the project."""
    for year in sorted(years, key=lambda y: y.fiscal_year, reverse=True):
        if year.fiscal_year > up_to:
            continue
        for project in year.document["projects"]:
            if project_key(project["name"]) == key:
                return project["name"], project["grade"]
    return None


def badge_svg(*, project: str, fiscal_year: int, grade: str | None) -> str:
    label = f"{format_fiscal_year(fiscal_year)} 評価"
    value = grade or "—"
    title = f"{project}：{label} {value}"
    colour = _COLOURS.get(value, "#4a4a4a")
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="24" role="img" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>'
        '<rect width="150" height="24" fill="#333333"/>'
        f'<rect x="150" width="50" height="24" fill="{colour}"/>'
        '<g fill="#ffffff" font-family="sans-serif" font-size="12" text-anchor="middle">'
        f'<text x="75" y="16">{escape(label)}</text><text x="175" y="16">{escape(value)}</text></g></svg>'
    )
