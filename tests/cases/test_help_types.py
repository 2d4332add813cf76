"""Help types and their legal areas: youth help (SGB VIII, § 35a included) and integration help for
children (SGB IX) are separate; the selects show them grouped."""

import pytest
from django.utils import translation

from cases.conference_forms import ProposalForm
from cases.contracts_forms import ContractForm
from cases.models import (
    HELP_TYPE_LAW,
    SGB8_HELP_TYPES,
    SGB9_HELP_TYPES,
    HelpLaw,
    HelpType,
    help_type_choices,
    help_type_law,
)
from cases.reviews_forms import ContractFilter
from tests.cases.factories import make_case


def test_every_help_type_belongs_to_exactly_one_law():
    assert SGB8_HELP_TYPES.isdisjoint(SGB9_HELP_TYPES)
    assert SGB8_HELP_TYPES | SGB9_HELP_TYPES == set(HelpType) == set(HELP_TYPE_LAW)


@pytest.mark.parametrize("help_type,law", [
    ("35a", HelpLaw.SGB8),       # mental disability: youth help by law (§ 35a SGB VIII)
    ("34", HelpLaw.SGB8), ("41", HelpLaw.SGB8), ("27_2", HelpLaw.SGB8),
    ("district", HelpLaw.SGB8), ("microproject", HelpLaw.SGB8),  # the office's own preventive work
    ("sgb9_79", HelpLaw.SGB9), ("sgb9_80", HelpLaw.SGB9), ("sgb9_112", HelpLaw.SGB9), ("sgb9_113", HelpLaw.SGB9),
])
def test_help_type_law(help_type, law):
    assert help_type_law(help_type) == law


def test_unknown_help_type_has_no_law():
    with pytest.raises(KeyError):
        help_type_law("35b")


def test_contract_area_follows_the_law():
    from budgets.commitments import contract_area
    from budgets.models import Area

    assert {t: contract_area(t) for t in HelpType} == {
        t: Area.INTEGRATION_HELP if t in SGB9_HELP_TYPES else Area.YOUTH_HELP for t in HelpType
    }


def test_grouped_choices_in_help_type_order():
    groups = help_type_choices()
    assert [label for label, _options in groups] == [HelpLaw.SGB8.label, HelpLaw.SGB9.label]
    assert [v for _l, options in groups for v, _t in options] == list(HelpType.values)
    blank = help_type_choices(blank=("", "—"))
    assert blank[0] == ("", "—") and blank[1:] == groups


def _optgroups(html: str) -> list[str]:
    import re

    return re.findall(r'<optgroup label="([^"]+)">', html)


@pytest.mark.parametrize("form", ["proposal", "contract", "contract-filter"])
def test_selects_group_the_help_types_by_law_in_german(form, org, users):
    if form == "proposal":
        field = ProposalForm()["help_type"]
    elif form == "contract":
        field = ContractForm(case=make_case(users.case_manager, org.walle))["help_type"]
    else:
        field = ContractFilter(user=users.case_manager).form["help_type"]
    with translation.override("de"):
        html = str(field)
    assert _optgroups(html) == ["Jugendhilfe (SGB VIII)", "Eingliederungshilfe (SGB IX)"]
    assert "§ 35a Eingliederungshilfe bei seelischer Behinderung" in html
    assert html.index("§ 35a") < html.index("Eingliederungshilfe (SGB IX)")  # § 35a is in the SGB VIII group
    assert "§ 112 SGB IX Leistungen zur Teilhabe an Bildung (z. B. Schulbegleitung)" in html


@pytest.mark.django_db
def test_area_labels_in_german():
    from budgets.models import Area

    with translation.override("de"):
        assert [str(label) for _v, label in Area.choices] == ["Jugendhilfe (SGB VIII)", "Eingliederungshilfe (SGB IX)"]
