"""Memory an analysis needs, checked before it is allocated: say so in one line instead of failing.

Dense arrays grow with the square of a scenario (origins x destinations); a question that
cannot fit is refused with what it needs against what the machine has available, before any
allocation, rather than ending in ``MemoryError`` or the system's out-of-memory killer.

Examples
--------
>>> ensure_fits(1e6, "a small matrix")  # a megabyte fits anywhere
>>> try:
...     ensure_fits(1e18, "a matrix of 10^9 x 10^9 minutes")
... except TooLargeError as error:
...     print(str(error).split(";")[0])
a matrix of 10^9 x 10^9 minutes needs 931,322,575 GiB of memory
"""

import os

from hourcircle import config
from hourcircle.errors import TooLargeError


def available_bytes() -> int:
    """Memory the machine has available now (``MemAvailable`` on Linux, else physical pages free).

    Returns
    -------
    int
        Bytes; a very large number where the system does not say.
    """
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return int(os.sysconf("SC_AVPHYS_PAGES")) * int(os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):
        return 1 << 62


def _gib(n: float) -> str:
    return f"{n / (1 << 30):,.1f} GiB" if n < (1 << 40) else f"{n / (1 << 30):,.0f} GiB"


def ensure_fits(nbytes: float, what: str) -> None:
    """Refuse work whose arrays would take more than a share of the memory available.

    Parameters
    ----------
    nbytes : float
        What the arrays will take, in bytes.
    what : str
        The arrays, as a user would understand them.

    Raises
    ------
    TooLargeError
        If ``nbytes`` is over :data:`hourcircle.config.memory_share` of :func:`available_bytes`.
    """
    available = available_bytes()
    if nbytes > available * config.memory_share:
        raise TooLargeError(f"{what} needs {_gib(nbytes)} of memory; this machine has {_gib(available)} "
                            "available: ask a smaller question (fewer places, sites, plants or origins)")
