"""``onenotes review``: the draft of a rep's performance review over a quarter.

:mod:`.model` gathers it from the notes (the rules are :mod:`onenotes.rules.quarter`),
:mod:`.text` words each part, :mod:`.markdown` and :mod:`.html` lay it out,
:mod:`.quotes` reads what the manager wrote, and :mod:`.files` writes it with ``--out``.
"""
