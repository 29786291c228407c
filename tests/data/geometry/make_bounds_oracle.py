"""Generate ``bounds_exact.json``: exact (sympy) values of the coherence bounds, computed from the
published formulas independently of ``theory.geometry``.

Run:  python tests/data/geometry/make_bounds_oracle.py
"""

from __future__ import annotations

import json
import pathlib

import sympy as sp


def main() -> None:
    rows = []
    for dim in range(2, 7):
        for n in range(dim + 1, dim * (dim + 1) + 4):
            row = {"n": n, "dim": dim}
            row["welch"] = str(sp.sqrt(sp.Rational(n - dim, dim * (n - 1))))
            for t in (2, 3):
                m = sp.binomial(dim + t - 1, t)
                if n > m:
                    row[f"welch-{t}"] = str(((sp.Rational(n) / m - 1) / (n - 1)) ** sp.Rational(1, 2 * t))
            if 2 * n > dim * (dim + 1):
                row["orthoplex"] = str(1 / sp.sqrt(dim))
                row["levenshtein"] = str(sp.sqrt(sp.Rational(3 * n - dim**2 - 2 * dim, (dim + 2) * (n - dim))))
            k = n - dim
            row["bukh-cox"] = str(
                sp.Integer(k * (k + 1)) / (2 * n + (n * n - dim * n - n) * sp.sqrt(2 + k) - k * (k + 1))
            )
            rows.append(row)
    out = {
        "source": "Formulas of Welch (1974), Conway-Hardin-Sloane (1996), Levenshtein (1982), "
        "Bukh-Cox (2020) as stated in docs/references.md; evaluated exactly with "
        f"sympy {sp.__version__} by tests/data/geometry/make_bounds_oracle.py",
        "rows": rows,
    }
    path = pathlib.Path(__file__).with_name("bounds_exact.json")
    path.write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
