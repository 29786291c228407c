"""The verification spine: claims, checks against simulation, verdicts and reports.

Every result in the toolkit can be stated as a :class:`Claim` (statement, citation, bound,
simulation). :func:`check` confronts one claim with simulated instances; :func:`verify_all`
checks every registered claim and writes a report; ``theory verify`` is its command line.
"""

from theory.verify.check import binomial_test, check, claim_rng
from theory.verify.claim import Claim, Verdict
from theory.verify.registry import registry
from theory.verify.report import Report, known_tags, verify_all

__all__ = ["Claim", "Report", "Verdict", "binomial_test", "check", "claim_rng", "known_tags", "registry",
           "verify_all"]
