"""The command words of each language Between reads, written by hand.

Weekday and month names are not here: they come from Babel's CLDR data for the language
(:mod:`bot.parsing.words`), so they are complete and spelled the way the language spells them.
What CLDR does not have is the small vocabulary of the commands themselves: "weekly", "until",
"done", "3 days", "it is 14:30". That is this table, one :class:`Lexicon` per language.

English is not here: its words are the parsers' own (each module next to its rules), and they
are read for everyone. A language's words are read on top of them for the people who speak it,
and win where the two disagree (``not_english``: the Spanish "once" is eleven, and the German
"am" in ``19:00 am Wochenende`` is "on the", not a.m.).

Write words as people type them, accents and all: they are folded (case, accents, ``’``)
the same way as what is typed before they are compared. Phrases are separated by commas.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time
from typing import TypeVar

_T = TypeVar("_T")

NOON, MIDNIGHT = time(12, 0), time(0, 0)
HOUR, DAY, WEEK, MONTH = 60, 1440, 10080, 43200  # minutes; a month is 30 days, as in English


AM, PM, NIGHT = "am", "pm", "night"


def _phrases(text: str) -> tuple[str, ...]:
    """``"a b, c"`` -> ``("a b", "c")``."""
    return tuple(" ".join(part.split()) for part in text.split(",") if part.strip())


def _each(text: str, value: _T) -> dict[str, _T]:
    return dict.fromkeys(_phrases(text), value)


def _counting(text: str, start: int) -> dict[str, int]:
    """``("zwei drei", 2)`` -> ``{"zwei": 2, "drei": 3}``."""
    return {word: number for number, word in enumerate(text.split(), start=start)}


@dataclass(frozen=True)
class Lexicon:
    """One language's command words (phrases are tuples of space-separated words)."""

    # Day specs: phrases for every day / Monday to Friday / the weekend; words that say nothing
    # (``am``, ``cada``) or join two days into a range (``bis``, ``a``, ``по``).
    daily: tuple[str, ...] = ()
    weekdays: tuple[str, ...] = ()
    weekends: tuple[str, ...] = ()
    day_fillers: tuple[str, ...] = ()
    day_range: tuple[str, ...] = ()
    min_prefix: int = 2  # the shortest start of a weekday name read as that day
    # Dates: today/tomorrow/yesterday, "next"/"last" before or after a weekday, articles.
    relative: dict[str, int] = field(default_factory=dict)
    next_words: tuple[str, ...] = ()
    last_words: tuple[str, ...] = ()
    date_articles: tuple[str, ...] = ()
    ordinals: tuple[str, ...] = ()  # what follows a day's number: 1er, 1º (NFKC: 1o), 24-го
    # Lengths of time: unit words (in minutes), number words, "and", words around a length.
    units: dict[str, int] = field(default_factory=dict)
    numbers: dict[str, int] = field(default_factory=dict)
    and_words: tuple[str, ...] = ()
    duration_fillers: tuple[str, ...] = ()
    bare_unit: bool = False  # a unit alone is one of it (Russian "на неделю": for a week)
    # /pause and /recap.
    until: tuple[str, ...] = ()
    since: tuple[str, ...] = ()
    since_length: bool = True  # "seit 2 Wochen": since followed by a length of time
    indefinite: tuple[str, ...] = ()
    # /session: done, skip, stop; the repetitions; words around the day and the time.
    actions: dict[str, str] = field(default_factory=dict)
    weekly: tuple[str, ...] = ()
    fortnightly: tuple[str, ...] = ()
    once: tuple[str, ...] = ()
    every: tuple[str, ...] = ()  # before a weekday: weekly on that day
    every_other: tuple[str, ...] = ()  # between ``every`` and the weekday: fortnightly
    session_fillers: tuple[str, ...] = ()
    # /remind: words around the times, and the word for "all off".
    remind_fillers: tuple[str, ...] = ()
    off: tuple[str, ...] = ()
    # Clock times: named times, and the word after an hour that makes it a time (``19 Uhr``).
    named_times: dict[str, time] = field(default_factory=dict)
    clock_words: tuple[str, ...] = ()
    # The part of the day after an hour (``7 Uhr abends``, ``10 утра``, ``7 de la tarde``):
    # AM (morning), PM (afternoon, evening) or NIGHT (late evening, or the small hours).
    day_parts: dict[str, str] = field(default_factory=dict)
    # English words that mean something else in this language: never read the English way.
    not_english: tuple[str, ...] = ()
    # The zone question: words around a local time; zone abbreviations to ask a city for;
    # places CLDR does not name (zone -> comma-separated names).
    zone_fillers: tuple[str, ...] = ()
    zone_abbreviations: tuple[str, ...] = ()
    places: dict[str, str] = field(default_factory=dict)


GERMAN = Lexicon(
    daily=_phrases("täglich, jeden tag, alle tage, an allen tagen"),
    weekdays=_phrases(
        "werktags, wochentags, werktage, wochentage, an werktagen, an wochentagen, "
        "unter der woche, arbeitstage, an arbeitstagen"
    ),
    weekends=_phrases("wochenende, wochenenden, am wochenende, an wochenenden, wochenends"),
    day_fillers=_phrases("am, an, und, jeden, jede, von, vom, nur, immer"),
    day_range=_phrases("bis"),
    relative={"heute": 0, "morgen": 1, "übermorgen": 2, "gestern": -1, "vorgestern": -2},
    next_words=_phrases("nächsten, nächster, nächste, kommenden, kommender, diesen, dieser, diese"),
    last_words=_phrases("letzten, letzter, letzte, vergangenen, vergangener, vorigen, voriger"),
    date_articles=_phrases("am, den, dem, zum, zur"),
    units={
        **_each("stunde, stunden, std", HOUR),
        **_each("tag, tage, tagen", DAY),
        **_each("woche, wochen", WEEK),
        **_each("monat, monate, monaten", MONTH),
    },
    numbers={
        **_each("ein, eine, einen, einem, einer", 1),
        **_counting("zwei drei vier fünf sechs sieben acht neun zehn", 2),
        "vierzehn": 14,
    },
    and_words=_phrases("und"),
    duration_fillers=_phrases("für, die, den, letzten, vergangenen, nächsten, kommenden, lang"),
    until=_phrases("bis"),
    since=_phrases("seit, ab, vom"),
    indefinite=_phrases(
        "für immer, unbegrenzt, auf unbestimmte zeit, bis auf weiteres, bis ich fortsetze, "
        "bis ich weitermache, ohne ende"
    ),
    actions={
        **_each("erledigt, gehabt, war, fertig, stattgefunden, hat stattgefunden", "done"),
        **_each("überspringen, auslassen, aussetzen, nächste überspringen, die nächste überspringen", "skip"),
        **_each("stopp, beenden, aus, keine, löschen, absagen, abbrechen", "stop"),
    },
    weekly=_phrases("wöchentlich, jede woche, einmal pro woche, einmal die woche, einmal in der woche"),
    fortnightly=_phrases(
        "alle zwei wochen, alle 2 wochen, zweiwöchentlich, vierzehntägig, 14-tägig, "
        "alle vierzehn tage, alle 14 tage, jede zweite woche"
    ),
    once=_phrases("einmal, einmalig, nur einmal, ohne wiederholung"),
    every=_phrases("jeden, jede, jedes, jeder"),
    every_other=_phrases("zweiten, zweite"),
    session_fillers=_phrases("am, um, ab, es, ist"),
    remind_fillers=_phrases("um, und, auch, dann"),
    off=_phrases("aus, ausschalten, abschalten"),
    named_times={"mittag": NOON, "mittags": NOON, "mitternacht": MIDNIGHT},
    clock_words=_phrases("uhr"),
    day_parts={**_each("morgens, früh, vormittags", AM), **_each("nachmittags, abends", PM), "nachts": NIGHT},
    not_english=_phrases("am"),
    zone_fillers=_phrases(
        "es, ist, uhr, jetzt, gerade, hier, bei, mir, uns, etwa, ungefähr, ca, circa, fast, "
        "genau, die, uhrzeit, meine, zeit"
    ),
    zone_abbreviations=_phrases("mez, mesz, oez, oesz, wez, wesz"),
    places={
        "Europe/Berlin": "nürnberg, hannover, bremen, dortmund, essen, bonn, mannheim, karlsruhe",
        "Europe/Vienna": "graz, linz, innsbruck",
        "Europe/Zurich": "genf, bern, lausanne",
        "Europe/Rome": "mailand, neapel, venedig, florenz, turin",
    },
)

SPANISH = Lexicon(
    daily=_phrases("diario, diariamente, a diario, todos los días, cada día"),
    weekdays=_phrases(
        "entre semana, laborables, días laborables, laborales, días laborales, días de semana, días hábiles"
    ),
    weekends=_phrases("fin de semana, fines de semana, finde, findes"),
    day_fillers=_phrases("y, e, el, los, las, cada, todos, de, del, desde, solo, sólo"),
    day_range=_phrases("a, al, hasta"),
    relative={"hoy": 0, "mañana": 1, "pasado mañana": 2, "ayer": -1, "anteayer": -2, "antes de ayer": -2},
    next_words=_phrases("próximo, próxima, que viene, este, esta, siguiente"),
    last_words=_phrases("pasado, pasada, último, última, anterior"),
    date_articles=_phrases("el, la, del"),
    ordinals=_phrases("o, .o"),
    units={
        **_each("hora, horas", HOUR),
        **_each("día, días", DAY),
        **_each("semana, semanas, sem", WEEK),
        **_each("mes, meses", MONTH),
    },
    numbers={
        **_each("un, una, uno", 1),
        **_counting("dos tres cuatro cinco seis siete ocho nueve diez", 2),
        "quince": 15,
    },
    and_words=_phrases("y"),
    duration_fillers=_phrases(
        "por, durante, los, las, últimos, últimas, próximos, próximas, pasados, pasadas, hace"
    ),
    until=_phrases("hasta"),
    since=_phrases("desde, a partir de, a partir del"),
    indefinite=_phrases(
        "para siempre, indefinidamente, sin fecha, sin fin, hasta nuevo aviso, hasta que vuelva"
    ),
    actions={
        **_each("hecho, hecha, listo, lista, ya está, ya la tuve, la tuve, tuvo lugar", "done"),
        **_each("saltar, omitir, saltar una, saltar la próxima, saltar la siguiente", "skip"),
        **_each("parar, detener, cancelar, ninguna, borrar, apagar, quitar, terminar", "stop"),
    },
    weekly=_phrases(
        "semanal, semanalmente, cada semana, todas las semanas, una vez por semana, una vez a la semana"
    ),
    fortnightly=_phrases(
        "quincenal, quincenalmente, cada dos semanas, cada 2 semanas, cada quince días, "
        "cada 15 días, semana por medio"
    ),
    once=_phrases("una vez, solo una vez, sólo una vez, una sola vez, sin repetir, única vez"),
    every=_phrases("cada, todos los, todas las"),
    every_other=_phrases("dos, 2"),
    session_fillers=_phrases("el, la, a, las, los, de, del, desde"),
    remind_fillers=_phrases("a, las, la, y, e, también"),
    off=_phrases("apagar, desactivar, quitar"),
    named_times={"mediodía": NOON, "medianoche": MIDNIGHT},
    clock_words=_phrases("h, hs, horas"),
    day_parts={
        **_each("de la mañana, de la madrugada", AM),
        **_each("de la tarde", PM),
        **_each("de la noche", NIGHT),
    },
    not_english=_phrases("once"),  # eleven
    zone_fillers=_phrases(
        "son, las, la, es, aquí, acá, ahora, mismo, más, menos, o, casi, aproximadamente, "
        "exactamente, en, punto, hora, mi, para, mí"
    ),
    places={
        "Europe/Madrid": "bilbao, málaga, zaragoza, palma, alicante, murcia, granada",
        "Europe/Rome": "florencia, venecia, nápoles, turín",
        "Europe/Zurich": "ginebra, berna",
        "Europe/Moscow": "san petersburgo",
        "America/Bogota": "cali, barranquilla",
        "America/Lima": "arequipa",
        "America/Santiago": "valparaíso",
    },
)

FRENCH = Lexicon(
    daily=_phrases("tous les jours, chaque jour, quotidien, quotidiennement"),
    weekdays=_phrases("en semaine, jours ouvrables, jours ouvrés, jours de semaine, jours de la semaine"),
    weekends=_phrases("week-end, week-ends, weekend, weekends, fin de semaine, fins de semaine"),
    day_fillers=_phrases("et, le, les, chaque, tous, du, de, seulement, uniquement"),
    day_range=_phrases("au, à, jusqu'au"),
    relative={"aujourd'hui": 0, "demain": 1, "après-demain": 2, "hier": -1, "avant-hier": -2},
    next_words=_phrases("prochain, prochaine, ce, cette, qui vient"),
    last_words=_phrases("dernier, dernière, passé, passée"),
    date_articles=_phrases("le, du, au"),
    ordinals=_phrases("er"),
    units={
        **_each("heure, heures", HOUR),
        **_each("jour, jours, j", DAY),
        **_each("semaine, semaines, sem", WEEK),
        **_each("mois", MONTH),
    },
    numbers={
        **_each("un, une", 1),
        **_counting("deux trois quatre cinq six sept huit neuf dix", 2),
        "quinze": 15,
    },
    and_words=_phrases("et"),
    duration_fillers=_phrases("pendant, pour, durant, sur, les, derniers, dernières, prochains, prochaines"),
    until=_phrases("jusqu'au, jusqu'à, jusqu'"),
    since=_phrases("depuis, à partir de, à partir du"),
    indefinite=_phrases(
        "pour toujours, indéfiniment, sans fin, sans date, jusqu'à nouvel ordre, jusqu'à ce que je reprenne"
    ),
    actions={
        **_each("fait, faite, c'est fait, terminé, terminée, eu lieu, elle a eu lieu", "done"),
        **_each("sauter, passer, sauter la prochaine, passer la prochaine", "skip"),
        **_each("arrêter, arrêt, annuler, aucune, effacer, supprimer, désactiver", "stop"),
    },
    weekly=_phrases("hebdomadaire, hebdo, chaque semaine, toutes les semaines, une fois par semaine"),
    fortnightly=_phrases(
        "toutes les deux semaines, toutes les 2 semaines, tous les quinze jours, "
        "tous les 15 jours, une semaine sur deux"
    ),
    once=_phrases("une fois, une seule fois, juste une fois, ponctuel, ponctuelle, sans répétition"),
    every=_phrases("chaque, tous les"),
    every_other=_phrases("deux, 2"),
    session_fillers=_phrases("le, la, à, de, du"),
    remind_fillers=_phrases("à, et, aussi, puis, vers"),
    off=_phrases("désactiver, arrêter"),
    named_times={"midi": NOON, "minuit": MIDNIGHT},
    clock_words=_phrases("h, heures, heure"),
    day_parts={
        **_each("du matin", AM),
        **_each("de l'après-midi, du soir", PM),
        **_each("de la nuit", NIGHT),
    },
    zone_fillers=_phrases(
        "il, est, ici, maintenant, environ, presque, pile, heure, heures, chez, moi, "
        "actuellement, vers, exactement, cest, lheure"
    ),
    places={
        "Europe/Paris": "bordeaux, lille, strasbourg, nantes, montpellier, rennes, grenoble",
        "Europe/Zurich": "genève, berne, lausanne, bâle",
        "Europe/Brussels": "anvers, liège, gand",
        "Europe/Moscow": "saint-pétersbourg",
    },
)

RUSSIAN = Lexicon(
    daily=_phrases("ежедневно, каждый день, все дни"),
    weekdays=_phrases("будни, по будням, в будни, будние дни, в будние дни, рабочие дни, по рабочим дням"),
    weekends=_phrases("выходные, по выходным, на выходных, в выходные, выходные дни"),
    day_fillers=_phrases("и, в, во, по, с, со, каждый, каждую, каждое, только"),
    day_range=_phrases("по, до"),
    # Two letters start two names (по: понедельник, and the word "по"); CLDR's пн..вс are exact.
    min_prefix=3,
    relative={"сегодня": 0, "завтра": 1, "послезавтра": 2, "вчера": -1, "позавчера": -2},
    next_words=_phrases("следующий, следующую, следующее, ближайший, ближайшую, ближайшее, этот, эту, это"),
    last_words=_phrases("прошлый, прошлую, прошлое, прошедший, прошедшую, последний, последнюю"),
    date_articles=_phrases("в, во"),
    ordinals=_phrases("-го, -е, го"),
    units={
        **_each("час, часа, часов, ч", HOUR),
        **_each("день, дня, дней, д, сутки, суток", DAY),
        **_each("неделя, недели, недель, неделю, нед", WEEK),
        **_each("месяц, месяца, месяцев, мес", MONTH),
    },
    numbers={
        **_each("один, одна, одну, одно", 1),
        **_each("два, две", 2),
        **_counting("три четыре пять шесть семь восемь девять десять", 3),
    },
    and_words=_phrases("и"),
    duration_fillers=_phrases("на, за, последние, ближайшие, следующие, в, течение"),
    bare_unit=True,
    until=_phrases("до"),
    since=_phrases("с, со, начиная с, начиная со"),
    since_length=False,  # "с" + a length is no Russian; "за 2 недели" is the length
    indefinite=_phrases("навсегда, бессрочно, на неопределённый срок, до отмены, без срока"),
    actions={
        **_each("готово, была, прошла, состоялась, сделано", "done"),
        **_each("пропустить, пропуск, пропустить следующую", "skip"),
        **_each("стоп, остановить, отменить, отмена, нет, удалить, выключить, хватит", "stop"),
    },
    weekly=_phrases("еженедельно, каждую неделю, раз в неделю"),
    fortnightly=_phrases(
        "раз в две недели, раз в 2 недели, каждые две недели, каждые 2 недели, через неделю"
    ),
    once=_phrases("один раз, однократно, разово, единожды, без повтора, без повторов"),
    every=_phrases("каждый, каждую, каждое, по"),
    every_other=_phrases("второй, вторую, второе"),
    session_fillers=_phrases("в, во, на"),
    remind_fillers=_phrases("в, и, также, ещё"),
    off=_phrases("выкл, выключить, отключить"),
    named_times={"полдень": NOON, "полночь": MIDNIGHT},
    clock_words=_phrases("ч, час, часа, часов"),
    day_parts={"утра": AM, **_each("дня, вечера", PM), "ночи": NIGHT},
    zone_fillers=_phrases(
        "сейчас, у, меня, нас, здесь, тут, время, примерно, около, почти, ровно, уже, местное, "
        "часы, показывают"
    ),
    places={
        "Europe/Moscow": (
            "санкт-петербург, петербург, питер, спб, мск, московское время, казань, "
            "нижний новгород, сочи, краснодар, ростов-на-дону, воронеж"
        ),
        "Asia/Yekaterinburg": "уфа, пермь, челябинск, тюмень",
        "Europe/Berlin": "мюнхен, гамбург, франкфурт",
    },
)

LEXICONS: dict[str, Lexicon] = {"de": GERMAN, "es": SPANISH, "fr": FRENCH, "ru": RUSSIAN}
