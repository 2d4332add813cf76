"""§ 35a help moves from the integration-help budgets to youth help.

§ 35a SGB VIII (integration help for children with a mental disability) is youth help; the
integration-help budget is for SGB IX help only (cases.models.help_type_law). Until now contracts of
help type 35a were counted in integration help, so costs of § 35a help may have been booked there.

For every integration-help budget whose settlement is not final, its cost entries that belong to
§ 35a help move to the youth-help budget of the same district and year (only budget_id changes; the
statement-level triggers on budgets_costentry move the monthly totals with them). An entry belongs to
§ 35a help when
* it names its contract (the legal basis, CostEntry.contract) and that contract's help type is 35a, or
* it names no contract but a case, and the case's contract covering the entry's service date (empty:
  booking date) – else the case's latest contract – has help type 35a. Decided contracts (not drafts)
  come first; a case with drafts only is judged by its latest draft.

Finally settled years stay frozen: entries of a final settlement do not move, and nothing moves into
a youth-help budget whose settlement is final (the database would refuse both). Where no open
youth-help budget exists for the district and year, the entries stay and the migration prints a line.
Backwards it does nothing (the moved entries are where they belong). The areas' labels name their
law: "Youth help (SGB VIII)", "Integration help (SGB IX)".
"""

from collections import defaultdict

from django.db import migrations, models
from django.db.models import Q

AREA_YOUTH, AREA_INTEGRATION = "youth_help", "integration_help"
HELP_35A = "35a"
CHUNK = 5000


def _chunks(items, size=CHUNK):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _help_type_of_case(contracts: list[tuple], day) -> str | None:
    """The help type of the case's contract covering `day`, else of its latest one (decided first).
    `contracts`: rows (id, case_id, help_type, state, approved_from, approved_until, ended_on)."""
    decided = [c for c in contracts if c[3] != "draft"]
    pool = decided or contracts

    def covers(c) -> bool:
        end = min(c[5], c[6]) if c[6] else c[5]  # ended early: the help ended that day
        return c[4] <= day <= end

    chosen = max([c for c in pool if covers(c)] or pool, key=lambda c: (c[4], c[0]), default=None)
    return chosen[2] if chosen else None


def move_35a_entries(apps, schema_editor, out=print) -> dict[int, int]:
    """Move the § 35a entries of open integration-help budgets to youth help; returns how many
    entries moved into each youth-help budget (by its id)."""
    Budget = apps.get_model("budgets", "Budget")
    CostEntry = apps.get_model("budgets", "CostEntry")
    Contract = apps.get_model("cases", "Contract")

    open_budgets = Budget.objects.filter(Q(settlement__isnull=True) | ~Q(settlement__status="final"))
    sources = {b.pk: b for b in open_budgets.filter(area=AREA_INTEGRATION).select_related("district")}
    if not sources:
        return {}
    targets = {(b.district_id, b.year): b.pk for b in open_budgets.filter(area=AREA_YOUTH)}
    final_youth = set(
        Budget.objects.filter(area=AREA_YOUTH, settlement__status="final").values_list("district_id", "year")
    )

    entries = list(
        CostEntry.objects.filter(budget_id__in=sources)
        .filter(Q(contract__isnull=False) | Q(case__isnull=False))
        .values_list("id", "budget_id", "case_id", "contract_id", "service_date", "booking_date")
    )
    if not entries:
        return {}
    named = {pk for _e, _b, _c, pk, _s, _d in entries if pk}
    case_ids = {case for _e, _b, case, contract, _s, _d in entries if case and not contract}
    help_of_contract: dict[int, str] = {}
    for part in _chunks(named):
        help_of_contract.update(Contract.objects.filter(pk__in=part).values_list("id", "help_type"))
    contracts_of_case: dict[int, list[tuple]] = defaultdict(list)
    for part in _chunks(case_ids):
        for row in Contract.objects.filter(case_id__in=part).values_list(
            "id", "case_id", "help_type", "state", "approved_from", "approved_until", "ended_on"
        ):
            contracts_of_case[row[1]].append(row)

    moving: dict[int, list[int]] = defaultdict(list)  # source budget id -> entry ids
    for entry_id, budget_id, case_id, contract_id, service_date, booking_date in entries:
        if contract_id:
            help_type = help_of_contract.get(contract_id)
        else:
            help_type = _help_type_of_case(contracts_of_case.get(case_id, []), service_date or booking_date)
        if help_type == HELP_35A:
            moving[budget_id].append(entry_id)

    moved: dict[int, int] = defaultdict(int)
    for budget_id, ids in sorted(moving.items()):
        source = sources[budget_id]
        key = (source.district_id, source.year)
        target = targets.get(key)
        if target is None:
            why = "its youth-help budget is finally settled" if key in final_youth else "it has no youth-help budget"
            out(f"  budgets 0005: {len(ids)} cost entries of § 35a help stay in the integration-help budget of "
                f"{source.district.name} {source.year} – {why}.")
            continue
        for part in _chunks(ids):
            moved[target] += CostEntry.objects.filter(pk__in=part).update(budget_id=target)
    return dict(moved)


def forwards(apps, schema_editor):
    move_35a_entries(apps, schema_editor)


class Migration(migrations.Migration):

    dependencies = [
        ("budgets", "0004_legal_basis_and_settlement_payment"),
        ("cases", "0009_sgb9_help_types"),
    ]

    operations = [
        # The areas' names say their law (the stored values stay).
        migrations.AlterField(
            model_name="budget",
            name="area",
            field=models.CharField(
                choices=[("youth_help", "Youth help (SGB VIII)"), ("integration_help", "Integration help (SGB IX)")],
                max_length=20, verbose_name="area",
            ),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
