"""Reading a notebook: layout and names, safe file reads, the note reader, the task scanner,
YAML, and the cache. The one layer where code may be shaped for speed."""
