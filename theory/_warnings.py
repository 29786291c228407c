"""The toolkit's warning class, so users can filter its warnings in one place."""

from __future__ import annotations

__all__ = ["TheoryWarning"]


class TheoryWarning(UserWarning):
    """A result is probably not what the user wanted (a likely mistake, or a result far from its bound).

    Filter all of the toolkit's warnings with
    ``warnings.simplefilter("ignore", theory.TheoryWarning)``.

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warnings.warn("looks transposed", TheoryWarning)
    >>> caught[0].category.__name__
    'TheoryWarning'
    """
