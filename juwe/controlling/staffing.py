"""The staffing reference (Personalbemessung, Bremen's personnel reference system) as pure functions.

The youth population under 21 of a district counts with a weight taken from its precarisation
index (the bands are maintained by the administration, `PrecarisationWeight`); a team's socially
weighted youth population is the sum over its districts. A given number of posts is split across
teams in proportion to it, in steps of 0.5 (or 0.1) posts, by the largest-remainder method so that
the parts add up exactly to the posts given – a rounded split that lost or invented half a post
would be worthless to the people deciding on it.

No database access here: the section module loads the numbers, these functions only calculate.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from decimal import ROUND_FLOOR, Decimal

DEFAULT_WEIGHT = Decimal("1.00")  # an index below every band (or no bands at all)
STEPS = (Decimal("0.5"), Decimal("0.1"))


def weight_for(index: Decimal | None, bands: Sequence[tuple[Decimal, Decimal]]) -> Decimal:
    """The weight of the band an index falls in: the last band whose start is <= index.

    `bands`: (index_from, weight), in any order. No index (no indicator yet) and an index below the
    lowest band count with weight 1, so a district is never left out of the population.
    """
    if index is None:
        return DEFAULT_WEIGHT
    weight = DEFAULT_WEIGHT
    for start, band_weight in sorted(bands):
        if index >= start:
            weight = band_weight
        else:
            break
    return weight


def weighted_population(
    districts: Iterable[tuple[int, Decimal | None]], bands: Sequence[tuple[Decimal, Decimal]]
) -> Decimal:
    """Sum of youth population × weight over (youth population, precarisation index) pairs."""
    return sum((Decimal(youth) * weight_for(index, bands) for youth, index in districts), Decimal("0")).quantize(
        Decimal("0.01")
    )


class SplitError(ValueError):
    """The posts cannot be split in the chosen step (negative, or not a multiple of the step)."""


def split_posts(total: Decimal, weights: Mapping[Hashable, Decimal], step: Decimal = Decimal("0.5")) -> dict:
    """Split `total` posts across the keys of `weights` in proportion, in multiples of `step`.

    Largest-remainder (Hamilton) method on units of `step`: every key first gets the whole units of
    its quota, the units left over go to the largest remainders; equal remainders go in the order
    of `weights` (the caller's order, e.g. by team name), so the result is reproducible. The parts
    add up exactly to `total`. All weights zero: split equally. Raises SplitError when `total` is
    negative or no multiple of `step`.
    """
    total, step = Decimal(total), Decimal(step)
    if step <= 0:
        raise SplitError("step must be positive")
    if total < 0:
        raise SplitError("negative posts")
    units_exact = total / step
    if units_exact != units_exact.to_integral_value():
        raise SplitError("posts are no multiple of the step")
    units = int(units_exact)
    keys = list(weights)
    if not keys:
        if units:
            raise SplitError("no teams to split across")
        return {}
    values = [max(Decimal(weights[k]), Decimal("0")) for k in keys]
    whole = sum(values)
    if whole == 0:
        values, whole = [Decimal("1")] * len(keys), Decimal(len(keys))
    quotas = [Decimal(units) * v / whole for v in values]
    floors = [int(q.to_integral_value(rounding=ROUND_FLOOR)) for q in quotas]
    left = units - sum(floors)
    # Largest remainder first; for equal remainders the earlier key (stable sort).
    order = sorted(range(len(keys)), key=lambda i: quotas[i] - floors[i], reverse=True)
    for i in order[:left]:
        floors[i] += 1
    places = step.normalize().as_tuple().exponent
    quantum = Decimal(1).scaleb(min(places, 0))
    return {k: (Decimal(n) * step).quantize(quantum) for k, n in zip(keys, floors, strict=True)}
