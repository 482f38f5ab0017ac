"""The course library: the articles' facts as DataFrames, evidence checking, the factor
model, the book's widgets and the exercises' public checks.

    >>> from considerations import load_claims, verify_quote
"""

from considerations.evidence import EvidenceCheck, QuoteMatch, UnusableQuote, check_evidence, verify_quote
from considerations.sources import Source, load_sources

# The tables need pandas (about half a second to import). They are loaded on first use, so that
# the grader, which scores with evidence.py and cached keys, starts without it; for a student
# `from considerations import load_claims` works as before.
_FROM_DATA = ("DataValidationError", "load_claims", "load_considerations", "load_disagreement_positions",
              "load_disagreements", "load_readings", "load_source_table", "load_timeline", "validate_data")


def __getattr__(name):
    if name in _FROM_DATA:
        from considerations import data

        value = getattr(data, name)
        globals()[name] = value  # once: later lookups do not come back here
        return value
    raise AttributeError(f"module 'considerations' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_FROM_DATA))


__all__ = [
    "DataValidationError",
    "EvidenceCheck",
    "QuoteMatch",
    "Source",
    "UnusableQuote",
    "check_evidence",
    "load_claims",
    "load_considerations",
    "load_disagreement_positions",
    "load_disagreements",
    "load_readings",
    "load_source_table",
    "load_sources",
    "load_timeline",
    "validate_data",
    "verify_quote",
]
