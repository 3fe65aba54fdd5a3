r"""Findings as people read them: a long enumeration as a list, Markdown or plain text.

A finding is one line of Markdown, or a line followed by a list (its lines start with ``- ``):
:func:`listed` puts what a finding names in its line when few, else in a list under it;
:func:`joined` puts a finding together; :func:`bullets` and :func:`plain_findings` show findings
in Markdown and as plain text (the terminal, the workbook).

Examples
--------
>>> line = joined("**Plants:** 1 of 5.", listed("Not complete", ["a", "b", "c", "d"]))
>>> print(plain_findings([line]))
- Plants: 1 of 5.
  - Not complete (4):
    - a
    - b
    - c
    - d
"""

from __future__ import annotations

from hourcircle.output.formats import plain

INLINE_AT_MOST = 3  # a finding names up to this many things in its line; more go in a list under it


def listed(label: str, items: list[str]) -> str:
    r"""Things a finding names: in its line when few, else as a list under it.

    Parameters
    ----------
    label : str
        What they are (``Not complete``).
    items : list of str
        Markdown, one per thing.

    Returns
    -------
    str
        `` Label: a; b.`` (to end a line), or ``\n- Label (N):`` with one ``\n  - item`` each;
        empty when there is nothing.

    Examples
    --------
    >>> listed("Lacking", ["a", "b"])
    ' Lacking: a; b.'
    >>> print(listed("Lacking", ["a", "b", "c", "d"]))
    <BLANKLINE>
    - Lacking (4):
      - a
      - b
      - c
      - d
    """
    if not items:
        return ""
    if len(items) <= INLINE_AT_MOST:
        return f" {label}: " + "; ".join(items) + "."
    return f"\n- {label} ({len(items)}):" + "".join(f"\n  - {item}" for item in items)


def joined(head: str, *parts: str) -> str:
    r"""A finding's line with what it names in the line first, then its lists (see :func:`listed`).

    Parameters
    ----------
    head : str
        The finding's opening, in Markdown.
    *parts : str
        What :func:`listed` gives, in order.

    Returns
    -------
    str
        The finding: one line, then its lists.

    Examples
    --------
    >>> print(joined("**A:** 5.", listed("Long", list("abcd")), listed("Short", ["e"])))
    **A:** 5. Short: e.
    - Long (4):
      - a
      - b
      - c
      - d
    """
    lists = [part for part in parts if part.startswith("\n")]
    return head + "".join(part for part in parts if not part.startswith("\n")) + "".join(lists)


def bullets(lines: list[str]) -> str:
    r"""Findings as a Markdown list (a finding's own list nested under it).

    Parameters
    ----------
    lines : list of str
        Findings (see :func:`findings`).

    Returns
    -------
    str
        Markdown.

    Examples
    --------
    >>> print(bullets(["**A:** one.", "**B:** two:\n- x\n- y"]))
    - **A:** one.
    - **B:** two:
      - x
      - y
    """
    return "\n".join("- " + line.replace("\n", "\n  ") for line in lines)


def plain_findings(lines: list[str]) -> str:
    r"""Findings as plain text for a terminal: no Markdown marks or escapes.

    Parameters
    ----------
    lines : list of str
        Findings (see :func:`findings`).

    Returns
    -------
    str
        One paragraph per finding, its list indented under it.

    Examples
    --------
    >>> print(plain_findings(["**Plants:** 2 lack e\\_motor:\n- `a`\n- `b`"]))
    - Plants: 2 lack e_motor:
      - a
      - b
    """
    return "\n".join(plain(line) for line in bullets(lines).split("\n"))
