"""What a dashboard is about (office, social centre, team, district) and who may see it.

Leadership sees the office (a social centre's head: that social centre) and everything within it;
a team lead their team and its districts; a district coordinator their districts, prevention
figures only; economic youth aid the money figures of its scope; everybody else nothing (403).
A scope outside the user's reach answers 404, like any object outside scope.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from juwe.access import district_scope
from juwe.models import District, SocialCenter, Team
from juwe.roles import Role


class Level(models.TextChoices):
    OFFICE = "amt", gettext_lazy("youth office")
    SOCIAL_CENTER = "sozialzentrum", gettext_lazy("social centre")
    TEAM = "team", gettext_lazy("team")
    DISTRICT = "stadtteil", gettext_lazy("district")


class Subject(models.TextChoices):
    """The sections of the dashboard, in page order."""

    CASES = "cases", gettext_lazy("Cases")
    HELP = "help", gettext_lazy("Help")
    MONEY = "money", gettext_lazy("Finances")
    PREVENTION = "prevention", gettext_lazy("Prevention")
    PROTECTION = "protection", gettext_lazy("Child protection")
    STAFFING = "staffing", gettext_lazy("Staffing")


ALL_SUBJECTS = frozenset(Subject)


def subjects_for(user) -> frozenset[str]:
    """The sections a user may see at all (empty: no controlling for this role)."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    allowed: set[str] = set()
    if user.has_role(Role.LEADERSHIP):
        allowed |= ALL_SUBJECTS
    if user.has_role(Role.TEAM_LEAD) and user.team_id:
        allowed |= ALL_SUBJECTS
    if user.has_role(Role.DISTRICT_COORDINATOR):
        allowed.add(Subject.PREVENTION)
    if user.has_role(Role.ECONOMIC_AID):
        allowed.add(Subject.MONEY)
    return frozenset(allowed)


def levels_for(user) -> list[str]:
    """The levels a user can choose, widest first."""
    if not subjects_for(user):
        return []
    if user.has_role(Role.LEADERSHIP, Role.ECONOMIC_AID):
        if user.social_center_id:
            return [Level.SOCIAL_CENTER, Level.TEAM, Level.DISTRICT]
        return [Level.OFFICE, Level.SOCIAL_CENTER, Level.TEAM, Level.DISTRICT]
    if user.has_role(Role.TEAM_LEAD) and user.team_id:
        return [Level.TEAM, Level.DISTRICT]
    return [Level.DISTRICT]


@dataclass(frozen=True)
class Scope:
    """The districts a dashboard sums over, with the object it is named after."""

    level: str
    obj: SocialCenter | Team | District | None
    district_ids: tuple[int, ...]

    @property
    def label(self) -> str:
        if self.level == Level.OFFICE:
            return _("Whole youth office")
        if self.level == Level.DISTRICT:
            return _("District %(name)s") % {"name": self.obj}
        return str(self.obj)  # teams and social centres carry their kind in their name

    @property
    def object_id(self) -> int | None:
        return self.obj.pk if self.obj is not None else None

    def districts(self):
        return District.objects.filter(id__in=self.district_ids)


def _reachable_districts(user) -> set[int]:
    """Districts whose figures the user may see, whatever the level."""
    if not subjects_for(user):
        return set()
    if user.has_role(Role.LEADERSHIP, Role.ECONOMIC_AID):
        return set(district_scope(user).values_list("id", flat=True))
    if user.has_role(Role.TEAM_LEAD) and user.team_id:
        return set(District.objects.filter(team_id=user.team_id).values_list("id", flat=True))
    return set(user.districts.values_list("id", flat=True))


def resolve_scope(user, level: str | None = None, object_id: int | str | None = None) -> Scope:
    """The scope named by level and id, checked against the user: 403 without controlling, 404 outside."""
    levels = levels_for(user)
    if not levels:
        raise PermissionDenied
    level = level or levels[0]
    if level not in levels:
        raise Http404
    reachable = _reachable_districts(user)
    if level == Level.OFFICE:
        return Scope(level, None, tuple(sorted(District.objects.values_list("id", flat=True))))
    model = {Level.SOCIAL_CENTER: SocialCenter, Level.TEAM: Team, Level.DISTRICT: District}[level]
    if object_id in (None, ""):
        obj = default_object(user, level, reachable)
    else:
        try:
            obj = model.objects.get(pk=int(object_id))
        except (ValueError, TypeError, model.DoesNotExist):
            raise Http404 from None
    if obj is None:
        raise Http404
    if level == Level.DISTRICT:
        ids = {obj.pk}
    elif level == Level.TEAM:
        ids = set(District.objects.filter(team=obj).values_list("id", flat=True))
    else:
        ids = set(District.objects.filter(social_center=obj).values_list("id", flat=True))
    if not ids or not ids <= reachable:
        raise Http404
    return Scope(level, obj, tuple(sorted(ids)))


def default_object(user, level: str, reachable: set[int] | None = None):
    """The object a level opens with: the user's own social centre or team, else the first in reach."""
    reachable = _reachable_districts(user) if reachable is None else reachable
    if level == Level.SOCIAL_CENTER:
        if user.social_center_id:
            return SocialCenter.objects.filter(pk=user.social_center_id).first()
        return SocialCenter.objects.filter(districts__in=reachable).distinct().order_by("name").first()
    if level == Level.TEAM:
        if user.team_id and user.has_role(Role.TEAM_LEAD):
            return Team.objects.filter(pk=user.team_id).first()
        return Team.objects.filter(districts__in=reachable).distinct().order_by("name").first()
    return District.objects.filter(id__in=reachable).order_by("name").first()


def choices_for(user, level: str) -> list[tuple[int, str]]:
    """The objects of a level the user can pick, for the scope selector."""
    reachable = _reachable_districts(user)
    if level == Level.DISTRICT:
        qs = District.objects.filter(id__in=reachable).order_by("name")
        return [(d.pk, d.name) for d in qs]
    model = {Level.SOCIAL_CENTER: SocialCenter, Level.TEAM: Team}.get(level)
    if model is None:
        return []
    candidates = model.objects.filter(districts__in=reachable).distinct().order_by("name")
    field = "social_center" if model is SocialCenter else "team"
    # Only objects all of whose districts are in reach (a team is not half visible).
    out = []
    for obj in candidates:
        ids = set(District.objects.filter(**{field: obj}).values_list("id", flat=True))
        if ids <= reachable:
            out.append((obj.pk, obj.name))
    return out
