"""The cache of parsed notes: one SQLite file, so that a warm run costs a walk and a stat.

Parsing is the whole cost of reading a notebook, so what parsing each note gives
is kept in ``.onenotes/cache`` inside the notebook (or in the user's cache folder
when the notebook cannot hold it).  docs/performance.md has the rules for users.
The parts:

* ``key``: what a row is keyed by (a note's stat; racy notes) and the format
  version of the file (a hash of the parsing modules' source);
* ``codec``: how values are written and read back (narrowed pickles, checksums);
* ``file``: where the file lives, how a new one replaces a damaged one;
* ``store``: the open file, read and written in plain transactions;
* ``parse``: parsing notes into rows, on every core through a process pool;
* ``load``: what :func:`~onenotes.reading.notebook.load_notebook` calls: the
  notes read when a command first asks about them;
* ``findings``: where ``check`` keeps what it found.

Nothing here imports PyYAML or the parser unless a note has to be parsed.
"""

from onenotes.reading.cache.codec import Damaged
from onenotes.reading.cache.key import blake2b, stat_key
from onenotes.reading.cache.load import CommitmentNote, Loaded
from onenotes.reading.cache.store import Store

__all__ = ["CommitmentNote", "Damaged", "Loaded", "Store", "blake2b", "stat_key"]
