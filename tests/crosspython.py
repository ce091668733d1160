"""Same pinned libraries, two Pythons: do the results agree in value? (`make test-crosspython`)

Byte-identical results are promised on one machine and one interpreter (tests/test_golden.py,
the executor tests). Across Python versions the libraries are the same pins (constraints.txt),
but CPython's own float formatting, ``math`` functions and hash seeds are not part of that
promise, so this compares values, not bytes:

    python tests/crosspython.py run OUT_DIR        # in each interpreter: every shipped config,
                                                   # SEED, YEARS reported years, full table
    python tests/crosspython.py compare A_DIR B_DIR

A value agrees when it is exactly equal (NaN equal to NaN); ``compare`` prints how many are
exactly equal and fails (exit 1) when any differs by more than RELATIVE_TOLERANCE relative (or
ABSOLUTE_TOLERANCE near zero) or a row is present in one run only. Exact equality is expected:
every number is computed by the same pinned NumPy, Numba/LLVM and pandas builds on the same
CPU. The tolerance is there to report a last-bit difference as such, not to hide one: it is
printed with every differing value.
"""

from __future__ import annotations

import math
import platform
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = 7
YEARS = 2
RELATIVE_TOLERANCE = 1e-12
ABSOLUTE_TOLERANCE = 1e-15


def run(out: Path) -> None:
    """Every shipped config's full results table (seed SEED, YEARS reported years, its own
    preset), one golden-format CSV each (values written with repr: exact)."""
    from nextwork_sim import golden
    from nextwork_sim import run as simulate
    from nextwork_sim.kernels.backend import use_reference

    out.mkdir(parents=True, exist_ok=True)
    for name in golden.CONFIGS:
        with use_reference(False):
            table = simulate(ROOT / "configs" / f"{name}.toml", years=YEARS, seed=SEED)
        golden.write(table, out / f"{name}.csv")
    (out / "python.txt").write_text(f"{platform.python_version()}\n")


def _agree(a: float, b: float) -> bool:
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return abs(a - b) <= max(RELATIVE_TOLERANCE * max(abs(a), abs(b)), ABSOLUTE_TOLERANCE)


def compare(first: Path, second: Path) -> int:
    """Print the comparison of two ``run`` folders; 0 when every value agrees."""
    from nextwork_sim import golden

    versions = [(d / "python.txt").read_text().strip() for d in (first, second)]
    print(f"Python {versions[0]} vs {versions[1]}: seed {SEED}, {YEARS} reported years, "
          f"tolerance {RELATIVE_TOLERANCE:g} relative / {ABSOLUTE_TOLERANCE:g} absolute")
    failed = False
    names = sorted(p.stem for p in first.glob("*.csv"))
    if names != sorted(p.stem for p in second.glob("*.csv")) or not names:
        print(f"the two runs hold different configs: {names} and "
              f"{sorted(p.stem for p in second.glob('*.csv'))}")
        return 1
    for name in names:
        moved = golden.differences(golden.read(first / f"{name}.csv"),
                                   golden.read(second / f"{name}.csv"))
        total = len(golden.read(first / f"{name}.csv"))
        outside = [row for row in moved.itertuples(index=False)
                   if row.present != "both" or not _agree(row.old, row.new)]
        print(f"{name}: {total} values, {total - len(moved)} exactly equal, "
              f"{len(moved) - len(outside)} within tolerance, {len(outside)} outside")
        if not moved.empty:
            print(golden.describe(name, moved, limit=10))
        failed |= bool(outside)
    return 1 if failed else 0


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "run":
        run(Path(argv[1]))
        return 0
    if len(argv) == 3 and argv[0] == "compare":
        return compare(Path(argv[1]), Path(argv[2]))
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
