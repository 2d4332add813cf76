import time

from django.core.management.base import BaseCommand
from django.utils import timezone, translation

from juwe.controlling import dashboard
from juwe.controlling.forms import DashboardForm
from juwe.controlling.scope import choices_for, levels_for, resolve_scope
from juwe.models import FigureSnapshot, User
from juwe.roles import Role


class Command(BaseCommand):
    help = (
        "Compute the controlling figures ahead into the summary table (e.g. every night from cron): this "
        "year against the comparison periods, for every scope each leadership and team-lead user can open."
    )

    def add_arguments(self, parser):
        parser.add_argument("--clear", action="store_true", help="Empty the summary table first.")

    def handle(self, *args, clear: bool, **options):
        started = time.monotonic()
        if clear:
            FigureSnapshot.objects.all().delete()
        users = User.objects.filter(is_active=True, groups__name__in=[Role.LEADERSHIP, Role.TEAM_LEAD]).distinct()
        views = 0
        with translation.override("de"):
            for user in users.order_by("username"):
                form = DashboardForm({}, user=user)
                if not form.is_valid():
                    continue
                period = form.cleaned_data["period"]
                for level in levels_for(user):
                    ids = [None] if level == "amt" else [pk for pk, _name in choices_for(user, level)]
                    for object_id in ids:
                        dashboard.build(user, resolve_scope(user, level, object_id), period)
                        views += 1
        self.stdout.write(
            f"{views} Ansichten berechnet, {FigureSnapshot.objects.count()} Abschnitte gespeichert "
            f"in {time.monotonic() - started:.1f} s (Stand {timezone.localtime():%d.%m.%Y %H:%M})."
        )
