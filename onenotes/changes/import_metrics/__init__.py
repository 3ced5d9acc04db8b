"""``onenotes import-metrics``: KPI actuals from a CRM's CSV export into the notes.

The CSV is either *wide* (one row per rep, one column per KPI) or *long*
(one row per rep, KPI and value).  Columns are matched to KPIs by a mapping
(the ``metrics_import:`` section of ``onenotes.yaml`` or a ``--map`` YAML file
with the same keys), else by the KPI's name or label; reps are matched to
their folders by name after normalisation (case, accents, "Last, First",
spaces, the ``first.last`` of an email address) or through the mapping's
``reps:`` aliases.

Everything is read and checked before anything is written: one bad row (an
unknown rep or KPI, a figure that is not a number, a currency that does not
match the KPI's unit) changes nothing unless ``partial`` is set.  Figures go
into each rep's note for the date: an existing note has only its ``metrics:``
lines edited (:mod:`onenotes.changes.splice`); a missing one is created from the
template (:func:`onenotes.changes.new.create_note`) rendered with the figures as
its own (its table and diagnosis describe them), and filled in.

The parts, in the order a run uses them: :mod:`.export` reads the CSV,
:mod:`.matching` matches its columns to KPIs and its names to reps (and reads
a ``--map`` file), :mod:`.plan` reads the figures and plans every note's edit,
:mod:`.metrics_lines` edits a note's ``metrics:`` lines, :mod:`.write` writes
the plan.
"""

from onenotes.changes.import_metrics.matching import load_mapping
from onenotes.changes.import_metrics.plan import Figure, ImportPlan, RowProblem, plan_import
from onenotes.changes.import_metrics.write import write_plan

__all__ = ["Figure", "ImportPlan", "RowProblem", "load_mapping", "plan_import", "write_plan"]
