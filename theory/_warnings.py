"""The toolkit's warning classes, so users can filter its warnings in one place."""

from __future__ import annotations

__all__ = ["TheoryDeprecationWarning", "TheoryWarning"]


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


class TheoryDeprecationWarning(DeprecationWarning):
    """A deprecated keyword or attribute of the toolkit was used; it goes away in the next release.

    A subclass of ``DeprecationWarning``, so ``pytest.warns(DeprecationWarning)`` and the usual
    filters still catch it, while ``-W error::theory._warnings.TheoryDeprecationWarning`` (or the
    same entry in pytest's ``filterwarnings``) turns only the toolkit's own deprecations into errors.
    The message names the replacement.

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warnings.warn("f(old=...) is deprecated; pass new=...", TheoryDeprecationWarning)
    >>> caught[0].category.__name__, issubclass(caught[0].category, DeprecationWarning)
    ('TheoryDeprecationWarning', True)
    """
