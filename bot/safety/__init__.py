"""Noticing messages that suggest crisis or self-harm, and the crisis resources to answer with.

Two halves, both plain data in, plain data out:

* :class:`CrisisDetector` (:mod:`bot.safety.detector`) checks a message against a maintained
  phrase list (``safety_data/phrases.toml``, plus any files the operator adds), after bringing
  both to one spelling (:mod:`bot.safety.normalise`). It says only *whether* a phrase matched
  and in which language's list; it never returns, keeps or logs the text.
* :func:`load_resources` (:mod:`bot.safety.resources`) reads the crisis lines
  (``safety_data/resources.toml``, or the operator's own file) and :meth:`Resources.for_person`
  picks the ones for a person's country or, failing that, their Telegram language.

The check is deliberately simple: phrases, not scores or diagnoses. It is generous (false
positives are acceptable, misses are not) and negation-insensitive on purpose ("I don't want to
die" matches). A person saying "that's not what I meant" changes nothing: every message is
checked on its own.
"""

from bot.safety.detector import MAX_GAP, CrisisCheck, CrisisDetector
from bot.safety.files import DEFAULT_PHRASES, DEFAULT_RESOURCES, SafetyDataError
from bot.safety.resources import EVERYWHERE, KINDS, Resource, Resources, load_resources

__all__ = [
    "DEFAULT_PHRASES",
    "DEFAULT_RESOURCES",
    "EVERYWHERE",
    "KINDS",
    "MAX_GAP",
    "CrisisCheck",
    "CrisisDetector",
    "Resource",
    "Resources",
    "SafetyDataError",
    "load_resources",
]
