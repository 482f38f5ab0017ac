"""The course library: the articles' facts as DataFrames, evidence checking, the factor
model, the book's widgets and the exercises' public checks.

    >>> from considerations import load_claims, verify_quote
"""

from considerations.data import (
    DataValidationError,
    load_claims,
    load_considerations,
    load_disagreement_positions,
    load_disagreements,
    load_readings,
    load_source_table,
    load_timeline,
    validate_data,
)
from considerations.evidence import EvidenceCheck, QuoteMatch, UnusableQuote, check_evidence, verify_quote
from considerations.sources import Source, load_sources

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
