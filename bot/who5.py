"""The WHO-5 Well-Being Index: its five items and six answers, in each language Between speaks.

The WHO-5 may be used free of charge on condition that its wording is not changed, so the items
and answers are kept here, word for word, rather than in the gettext catalogues, where a
translator could be tempted to polish them. Where each language's wording comes from, and which
ones could not be checked against the published translation, is in docs/wellbeing.md; a wording
that is the project's own is marked ``published=False`` and says so in that document.

Source: Psychiatric Research Unit, Mental Health Centre North Zealand (WHO Collaborating Centre
in Mental Health, Hillerød); WHO Regional Office for Europe, 1998. Topp CW, Østergaard SD,
Søndergaard S, Bech P. The WHO-5 Well-Being Index: a systematic review of the literature.
Psychother Psychosom 2015;84:167-176.
"""

from __future__ import annotations

from dataclasses import dataclass

ITEMS = 5
# The answers' values: 5 "All of the time" ... 0 "At no time".
ANSWERS = range(0, 6)
RAW_MAX = ITEMS * max(ANSWERS)  # 25


@dataclass(frozen=True)
class Wording:
    """One language's WHO-5: the lead-in ("Over the last two weeks"), the items and the answers
    (indexed by value, 0 "At no time" to 5 "All of the time")."""

    lead: str
    items: tuple[str, str, str, str, str]
    answers: tuple[str, str, str, str, str, str]
    published: bool  # the published translation (False: the project's own, pending verification)


WORDINGS: dict[str, Wording] = {
    "en": Wording(
        lead="Over the last two weeks",
        items=(
            "I have felt cheerful and in good spirits",
            "I have felt calm and relaxed",
            "I have felt active and vigorous",
            "I woke up feeling fresh and rested",
            "My daily life has been filled with things that interest me",
        ),
        answers=(
            "At no time",
            "Some of the time",
            "Less than half of the time",
            "More than half of the time",
            "Most of the time",
            "All of the time",
        ),
        published=True,
    ),
    "de": Wording(
        lead="In den letzten zwei Wochen",
        items=(
            "war ich froh und guter Laune",
            "habe ich mich ruhig und entspannt gefühlt",
            "habe ich mich energisch und aktiv gefühlt",
            "habe ich mich beim Aufwachen frisch und ausgeruht gefühlt",
            "war mein Alltag voller Dinge, die mich interessieren",
        ),
        answers=(
            "Zu keinem Zeitpunkt",
            "Ab und zu",
            "Etwas weniger als die Hälfte der Zeit",
            "Etwas mehr als die Hälfte der Zeit",
            "Meistens",
            "Die ganze Zeit",
        ),
        published=True,
    ),
    "es": Wording(
        lead="Durante las dos últimas semanas",
        items=(
            "Me he sentido alegre y de buen humor",
            "Me he sentido tranquilo y relajado",
            "Me he sentido activo y enérgico",
            "Me he despertado fresco y descansado",
            "Mi vida cotidiana ha estado llena de cosas que me interesan",
        ),
        answers=(
            "Nunca",
            "De vez en cuando",
            "Menos de la mitad del tiempo",
            "Más de la mitad del tiempo",
            "La mayor parte del tiempo",
            "Todo el tiempo",
        ),
        published=True,
    ),
    "fr": Wording(
        lead="Au cours des deux dernières semaines",
        items=(
            "Je me suis senti(e) bien et de bonne humeur",
            "Je me suis senti(e) calme et tranquille",
            "Je me suis senti(e) plein(e) d'énergie et vigoureux(se)",
            "Je me suis réveillé(e) frais(che) et dispos(e)",
            "Ma vie quotidienne a été remplie de choses intéressantes",
        ),
        answers=(
            "Jamais",
            "De temps en temps",
            "Moins de la moitié du temps",
            "Plus de la moitié du temps",
            "La plupart du temps",
            "Tout le temps",
        ),
        published=False,
    ),
    "ru": Wording(
        lead="За последние две недели",
        items=(
            "у меня было бодрое и хорошее настроение",
            "мне было спокойно и легко",
            "во мне было много энергии и сил",
            "после сна было чувство свежести и отдыха",
            "моя повседневная жизнь была наполнена тем, что мне интересно",
        ),
        answers=(
            "Ни разу",
            "Иногда",
            "Меньше половины времени",
            "Больше половины времени",
            "Большую часть времени",
            "Всё время",
        ),
        published=False,
    ),
}


def wording(language: str) -> Wording:
    """The WHO-5 in ``language`` (English for a language without one)."""
    return WORDINGS.get(language, WORDINGS["en"])


def percentage(raw: int) -> int:
    """The standard 0-100 score: the raw 0-25 sum times four."""
    return raw * 4
