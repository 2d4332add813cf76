"""Aggregate figures of the networks app for the controlling (leadership's dashboard).

Functions take a set of district ids and a date and return plain numbers or dicts (no user: the
caller has checked the scope; nothing that names a person). Each uses a fixed number of queries.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q

from juwe.models import DistrictIndicator
from networks.models import AgeCohort, Network, Offer, OfferStatus

# Offers count for young inhabitants when they are open to someone under 21.
YOUTH_AGE_LIMIT = 21


@dataclass(frozen=True)
class Coverage:
    """Active networks per district and age cohort, as on the coverage page (a gap: no active network)."""

    cohorts: list[AgeCohort]
    networks: dict[tuple[int, int], int]  # (district id, cohort id) -> active networks
    district_ids: tuple[int, ...]

    def count(self, district_id: int, cohort_id: int) -> int:
        return self.networks.get((district_id, cohort_id), 0)

    def gaps(self, district_id: int | None = None) -> int:
        """Age cohorts without an active network, in one district or summed over all."""
        ids = self.district_ids if district_id is None else (district_id,)
        return sum(1 for d in ids for c in self.cohorts if not self.count(d, c.pk))


def coverage(district_ids: Iterable[int]) -> Coverage:
    """The coverage matrix of `selectors.coverage_matrix` reduced to its counts: the current state,
    since networks keep no history of being active. Two queries."""
    ids = tuple(sorted(set(district_ids)))
    cohorts = list(AgeCohort.objects.order_by("position", "age_from"))
    networks = {
        (row["districts"], row["cohort"]): row["n"]
        for row in Network.objects.filter(active=True, districts__in=ids)
        .values("districts", "cohort")
        .annotate(n=Count("pk", distinct=True))
        .order_by()
    }
    return Coverage(cohorts=cohorts, networks=networks, district_ids=ids)


def youth_population(district_ids: Iterable[int], reference: datetime.date) -> dict[int, int]:
    """Inhabitants under 21 per district: the district indicator of the reference year, else of the
    latest earlier year; districts without any such indicator are missing. One query."""
    rows = (
        DistrictIndicator.objects.filter(district_id__in=sorted(set(district_ids)), year__lte=reference.year)
        .order_by("district_id", "-year")
        .distinct("district_id")
        .values_list("district_id", "youth_population")
    )
    return dict(rows)


def offer_counts(district_ids: Iterable[int], reference: datetime.date) -> dict[int, int]:
    """Published offers of the district offer directory valid on `reference` and open to someone under
    21, per district (the directory as the Stadtteilkarte shows it on that day). One query."""
    valid = (Q(valid_from__isnull=True) | Q(valid_from__lte=reference)) & (
        Q(valid_until__isnull=True) | Q(valid_until__gte=reference)
    )
    return dict(
        Offer.objects.filter(
            valid, district_id__in=sorted(set(district_ids)), status=OfferStatus.PUBLISHED,
            age_from__lt=YOUTH_AGE_LIMIT,
        )
        .values("district_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("district_id", "n")
    )
