"""What counts as a word in the statistics.

A word is a run of non-space characters holding at least one letter or digit (so
markdown marks such as ``#``, ``-`` or ``>`` are not words, and ``don't`` is one), counted
over the title and the body. Kept on the entry row (``word_count``) on every write.
"""

from __future__ import annotations


def count_words(title: str, body: str) -> int:
    return sum(1 for token in f"{title}\n{body}".split() if any(char.isalnum() for char in token))
