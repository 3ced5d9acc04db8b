"""Domain rules: plain Python, no I/O; they import only the base (errors, text, dates) and each other.

Where each rule lives:

* ``commitments``: the ledger (one entry per commitment, open or closed, how often
  carried), when a commitment is escalated (``should_escalate``), whether it was
  kept on time (``Entry.timeliness``), how overdue it is;
* ``accountability``: per rep, what became of the commitments made; the kept-on-time rate;
* ``commitment_checks``: the same promise made twice under two ids (a ``check`` rule);
* ``kpis``: figures against goal, attainment, pace, the scorecard (outputs first);
* ``diagnosis``: outputs before inputs: on track, a behaviour or a skill problem;
* ``questions``: which of the manager's coaching questions fit the situation;
* ``cadence``: who is due or overdue for a one-on-one; ``schedule``: when the next one is;
* ``config``: the settings of ``onenotes.yaml``, their defaults and what values are valid.
"""
