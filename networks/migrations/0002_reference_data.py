"""Reference data: the office's age cohorts and a model text for networks' rules of procedure.

Administrators may edit both in the Django admin afterwards; this migration only creates what is missing.
"""

from django.db import migrations

COHORTS = [
    # code, name, age_from, age_to (exclusive)
    ("fruehe-hilfen", "Frühe Hilfen", 0, 3),
    ("kita", "Kita-Alter", 3, 6),
    ("grundschule", "Grundschulalter", 6, 10),
    ("10-14", "Jugendliche 10–14", 10, 14),
    ("14-18", "Jugendliche 14–18", 14, 18),
    ("junge-volljaehrige", "Junge Volljährige", 18, 27),
]

MODEL_RULES_TITLE = "Muster-Geschäftsordnung für altersgestufte Netzwerke"
MODEL_RULES_TEXT = """§ 1 Zweck
Das Netzwerk verbindet die Einrichtungen und Dienste, die im Sozialraum mit jungen Menschen der \
Altersgruppe und ihren Familien arbeiten. Es dient dem Austausch, der Abstimmung von Angeboten, \
einer gemeinsamen Strategie für Kinderschutz und Prävention und der Gestaltung von Übergängen.

§ 2 Mitglieder
(1) Mitglieder sind Einrichtungen, die im Sozialraum mit der Altersgruppe arbeiten, insbesondere \
Jugendamt, Gesundheitsamt, Kindertagesstätten, Schulen, Frühförderung, freie Träger, Polizei, \
Kinder- und Jugendpsychiatrie und Jobcenter.
(2) Über die Aufnahme entscheidet das Netzwerk. Jedes Mitglied benennt eine Ansprechperson und \
eine Vertretung.
(3) Gäste können zu einzelnen Sitzungen eingeladen werden.

§ 3 Koordination
Die Sozialraumkoordination des Jugendamts lädt zu den Sitzungen ein, bereitet sie vor und sorgt \
für das Protokoll.

§ 4 Sitzungen
(1) Das Netzwerk tagt mindestens viermal im Jahr. Die Einladung mit Tagesordnung wird zwei \
Wochen vor der Sitzung versandt.
(2) Mindestens einmal im Jahr findet eine gemeinsame Fortbildung zum Kinderschutz statt.

§ 5 Vertraulichkeit
Über einzelne Familien wird nur anonymisiert gesprochen. Personenbezogene Daten werden im \
Netzwerk nicht ausgetauscht.

§ 6 Protokoll
Das Protokoll hält Teilnehmende, Themen und Vereinbarungen fest und wird allen Mitgliedern \
innerhalb von vier Wochen zugesandt.

§ 7 Inkrafttreten
Diese Geschäftsordnung tritt mit ihrer Annahme durch das Netzwerk in Kraft.
"""


def create(apps, schema_editor):
    AgeCohort = apps.get_model("networks", "AgeCohort")
    ModelRules = apps.get_model("networks", "ModelRules")
    for position, (code, name, age_from, age_to) in enumerate(COHORTS, start=1):
        AgeCohort.objects.get_or_create(
            code=code, defaults={"name": name, "age_from": age_from, "age_to": age_to, "position": position}
        )
    ModelRules.objects.get_or_create(title=MODEL_RULES_TITLE, defaults={"text": MODEL_RULES_TEXT})


class Migration(migrations.Migration):
    dependencies = [("networks", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
