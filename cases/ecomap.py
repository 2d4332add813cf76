"""The network map as an SVG eco-map, drawn on the server so the same markup goes into PDFs.

The family sits in the centre; four sectors (family, friends/neighbours, school/work,
professionals) divide the plane; three rings show closeness; the line to each person shows the
relation's quality by style and colour (solid = supportive, dashed = ambivalent, zigzag =
conflict), so it reads in black and white too. Only presentation attributes, no inline CSS:
the Content-Security-Policy forbids style attributes and WeasyPrint understands these. Every text
goes through `xml_escape`, which also drops control characters XML forbids (a name with \x01
would otherwise make the served SVG invalid).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from juwe.lib.xmltext import xml_escape

from .models import NetworkPerson, RelationQuality, Sector

SIZE = 640
CENTRE = SIZE / 2
FAMILY_RADIUS = 52
RING_RADII = {1: 130, 2: 205, 3: 280}
# Sector -> (start angle, end angle) in degrees, clockwise from the top (SVG y points down).
SECTOR_ANGLES = {
    Sector.FAMILY: (-90, 0),
    Sector.FRIENDS: (0, 90),
    Sector.SCHOOL_WORK: (90, 180),
    Sector.PROFESSIONALS: (180, 270),
}
QUALITY_STYLE = {
    RelationQuality.SUPPORTIVE: {"stroke": "#2e7d32", "stroke-width": "3"},
    RelationQuality.AMBIVALENT: {"stroke": "#8a5a00", "stroke-width": "2", "stroke-dasharray": "8 6"},
    RelationQuality.CONFLICT: {"stroke": "#c62828", "stroke-width": "2"},
}
LEGEND_HEIGHT = 70


def _attrs(values: dict) -> str:
    return " ".join(f'{k}="{xml_escape(v)}"' for k, v in values.items())


def _point(angle_deg: float, radius: float) -> tuple[float, float]:
    rad = math.radians(angle_deg)
    return CENTRE + radius * math.cos(rad), CENTRE + radius * math.sin(rad)


def _zigzag(x1: float, y1: float, x2: float, y2: float, step: float = 10, amp: float = 5) -> str:
    length = math.hypot(x2 - x1, y2 - y1)
    n = max(int(length // step), 2)
    dx, dy = (x2 - x1) / length, (y2 - y1) / length
    points = [f"{x1:.1f},{y1:.1f}"]
    for i in range(1, n):
        off = amp if i % 2 else -amp
        px, py = x1 + dx * step * i - dy * off, y1 + dy * step * i + dx * off
        points.append(f"{px:.1f},{py:.1f}")
    points.append(f"{x2:.1f},{y2:.1f}")
    return " ".join(points)


def _line(quality: str, x1: float, y1: float, x2: float, y2: float) -> str:
    style = QUALITY_STYLE[quality]
    if quality == RelationQuality.CONFLICT:
        return f'<polyline points="{_zigzag(x1, y1, x2, y2)}" fill="none" {_attrs(style)}/>'
    return f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" {_attrs(style)}/>'


def _short(text: str, n: int = 20) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def render_ecomap(people: Iterable[NetworkPerson], family_label: str) -> SafeString:
    """The eco-map as one <svg> element (valid XML); one <g class="person"> per person."""
    groups: dict[tuple[str, int], list[NetworkPerson]] = defaultdict(list)
    for p in people:
        groups[(p.sector, p.ring)].append(p)
    height = SIZE + LEGEND_HEIGHT
    title = _("Network map")
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SIZE} {height}" width="{SIZE}" height="{height}" '
        f'role="img" aria-labelledby="ecomap-title" class="ecomap" font-family="DejaVu Sans, sans-serif" font-size="12">',
        f'<title id="ecomap-title">{xml_escape(title)}: {xml_escape(family_label)}</title>',
        f'<rect x="0" y="0" width="{SIZE}" height="{height}" fill="#ffffff"/>',
    ]
    # Rings, innermost last so it is drawn on top.
    for ring in (3, 2, 1):
        out.append(
            f'<circle cx="{CENTRE}" cy="{CENTRE}" r="{RING_RADII[ring] + 35}" fill="{["#f4f7fb", "#e9eff7", "#dfe8f3"][ring - 1]}" '
            f'stroke="#b8c4d4" stroke-width="1"/>'
        )
    # Sector borders and labels.
    for sector, (start, _end) in SECTOR_ANGLES.items():
        x, y = _point(start, RING_RADII[3] + 35)
        out.append(f'<line x1="{CENTRE}" y1="{CENTRE}" x2="{x:.1f}" y2="{y:.1f}" stroke="#8796aa" stroke-width="1"/>')
    label_pos = {
        Sector.FAMILY: (SIZE - 12, 22, "end"),
        Sector.FRIENDS: (SIZE - 12, SIZE - 10, "end"),
        Sector.SCHOOL_WORK: (12, SIZE - 10, "start"),
        Sector.PROFESSIONALS: (12, 22, "start"),
    }
    for sector, (x, y, anchor) in label_pos.items():
        out.append(
            f'<text x="{x}" y="{y}" text-anchor="{anchor}" font-size="14" font-weight="bold" fill="#1f3a5f">'
            f"{xml_escape(Sector(sector).label)}</text>"
        )
    # People: lines first, then nodes, so nodes sit above every line.
    nodes = []
    for (sector, ring), members in sorted(groups.items()):
        start, end = SECTOR_ANGLES[sector]
        radius = RING_RADII[ring]
        for i, person in enumerate(members):
            angle = start + (end - start) * (i + 1) / (len(members) + 1)
            x, y = _point(angle, radius)
            fx, fy = _point(angle, FAMILY_RADIUS)
            label = _short(person.name)
            # Labels sit on the outer side of the node, so the line from the centre never crosses them.
            name_dy = 24 if y >= CENTRE else (-30 if person.relation else -16)
            sub = _short(person.relation, 24) if person.relation else ""
            desc = f"{person.name} ({person.relation}) – {person.get_sector_display()}, {person.get_ring_display()}, {person.get_quality_display()}" if person.relation else f"{person.name} – {person.get_sector_display()}, {person.get_ring_display()}, {person.get_quality_display()}"
            nodes.append(
                f'<g class="person" data-person="{person.pk}" data-quality="{person.quality}">'
                f"<title>{xml_escape(desc)}</title>"
                f"{_line(person.quality, fx, fy, x, y)}"
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="9" fill="#ffffff" stroke="#1f3a5f" stroke-width="2"/>'
                f'<text x="{x:.1f}" y="{y + name_dy:.1f}" text-anchor="middle" fill="#14202e">{xml_escape(label)}</text>'
                + (f'<text x="{x:.1f}" y="{y + name_dy + 14:.1f}" text-anchor="middle" font-size="10" fill="#4a5566">{xml_escape(sub)}</text>' if sub else "")
                + "</g>"
            )
    out.extend(nodes)
    family_text = _("Family")
    rings_text = _("Rings from the centre: close, middle, distant.")
    out.append(
        f'<circle cx="{CENTRE}" cy="{CENTRE}" r="{FAMILY_RADIUS}" fill="#1f3a5f" stroke="#0f2238" stroke-width="2"/>'
        f'<text x="{CENTRE}" y="{CENTRE - 4}" text-anchor="middle" fill="#ffffff" font-weight="bold">{xml_escape(family_text)}</text>'
        f'<text x="{CENTRE}" y="{CENTRE + 14}" text-anchor="middle" fill="#ffffff" font-size="11">{xml_escape(_short(family_label, 16))}</text>'
    )
    # Legend: line styles.
    y = SIZE + 25
    x = 20
    for quality in RelationQuality:
        out.append(_line(quality, x, y, x + 50, y))
        out.append(f'<text x="{x + 58}" y="{y + 4}" fill="#14202e">{xml_escape(quality.label)}</text>')
        x += 200
    out.append(
        f'<text x="20" y="{SIZE + 55}" font-size="11" fill="#4a5566">'
        f"{xml_escape(rings_text)}</text>"
    )
    out.append("</svg>")
    return mark_safe("".join(out))
