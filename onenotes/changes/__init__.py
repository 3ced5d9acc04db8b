"""Changes to notes: byte-exact edits, new notes, done/drop, import-metrics, init."""
