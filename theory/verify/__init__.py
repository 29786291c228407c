"""The verification spine: claims, checks against simulation, verdicts and reports.

Every result in the toolkit can be stated as a :class:`Claim` (statement, citation, bound,
simulation). :func:`check` confronts one claim with simulated instances; :func:`verify_all`
checks every registered claim (built-in, from installed plugins, and your own) and writes a
report; ``theory verify`` is its command line.
"""

from theory.verify.check import binomial_test, check, claim_quantile, claim_rng
from theory.verify.claim import Claim, Verdict, Verdicts, bound_slack
from theory.verify.registry import ENTRY_POINT_GROUP, load_claims, plugin_claims, registry
from theory.verify.report import Report, claim_pool, known_tags, verify_all

__all__ = [
    "ENTRY_POINT_GROUP",
    "Claim",
    "Report",
    "Verdict",
    "Verdicts",
    "binomial_test",
    "bound_slack",
    "check",
    "claim_pool",
    "claim_quantile",
    "claim_rng",
    "known_tags",
    "load_claims",
    "plugin_claims",
    "registry",
    "verify_all",
]
