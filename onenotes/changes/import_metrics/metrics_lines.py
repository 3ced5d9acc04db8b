"""A note's ``metrics:`` lines, edited byte-exactly (:mod:`onenotes.changes.splice`): the
imported figures set, and the note read back to prove nothing else changed."""

from __future__ import annotations

import yaml

from onenotes.changes.splice import (EditRefused, Lines, block_indent, file_line, frontmatter, key_node, parse_again,
                                     problem_codes, same_except, set_keys, set_scalar)
from onenotes.reading.figures import comma_splits
from onenotes.reading.note import Note
from onenotes.reading.yaml.safe import to_yaml_scalar


def set_metrics(lines: Lines, note: Note, values: dict[str, int | float]) -> list[str]:
    """Queue the edits that put ``values`` (KPI -> actual) into the note's ``metrics:``.

    Figures already there are updated in place (also inside ``{goal: .., actual: ..}``);
    missing KPIs get a line in the mapping's style.  Returns the KPIs that change.
    """
    current = {m.name: m for m in note.metrics}
    todo = {k: v for k, v in values.items() if k not in current or current[k].actual != v
            or type(current[k].actual) is not type(v)}
    if not todo:
        return []
    fm = frontmatter(lines, note.path)
    if not fm.present:
        raise EditRefused(f"{note.path}: the note has no frontmatter; add the figures by hand")
    found = key_node(fm.root, "metrics") if fm.root is not None else None
    indent = block_indent(fm.root)
    pairs = [(k, to_yaml_scalar(v)) for k, v in todo.items()]
    if found is None:
        lines.insert_after(fm.close - 1, ["metrics:"] + [" " * indent + f"{k}: {v}" for k, v in pairs])
        return list(todo)
    key, node = found
    if isinstance(node, yaml.ScalarNode):
        if node.tag != "tag:yaml.org,2002:null" or node.start_mark.line != node.end_mark.line:
            raise EditRefused(f"{note.path}:{file_line(key.start_mark) + 1}: metrics is not a mapping; "
                              "fix it first (onenotes check)")
        line = file_line(node.start_mark)
        start, end = node.start_mark.column, node.end_mark.column
        if start != end:
            if start > 0 and lines.content(line)[start - 1] == " ":
                start -= 1
            lines.replace(line, start, end, "")
        lines.insert_after(line, [" " * indent + f"{k}: {v}" for k, v in pairs])
        return list(todo)
    if not isinstance(node, yaml.MappingNode):
        raise EditRefused(f"{note.path}:{file_line(key.start_mark) + 1}: metrics is not a mapping")
    missing = []
    for kpi, text in pairs:
        if kpi in current and _split_at_a_comma(note.meta["metrics"], kpi):
            raise EditRefused(f"{note.path}:{current[kpi].line}: the figure of {kpi} is written with a comma, "
                              "which YAML splits; write it with a decimal point first (onenotes check says how)")
        entry = key_node(node, kpi)
        if entry is None:
            missing.append((kpi, text))
        elif isinstance(entry[1], yaml.MappingNode):
            set_keys(lines, entry[1], [("actual", text)], note.path, keep_quotes=False)
        else:
            set_scalar(lines, entry[1], text, note.path, kpi, keep_quotes=False)
    if missing:
        set_keys(lines, node, missing, note.path)
    return list(todo)


def with_figures(text: str, note: Note, values: dict[str, int | float], options) -> str:
    """A rendered agenda (``text``, read as ``note``) with ``values`` written into its
    ``metrics:``, read back (with the notebook's read ``options``) to prove nothing else changed."""
    lines = Lines(text.encode("utf-8"))
    set_metrics(lines, note, values)
    lines.apply()
    verify_metrics(note, parse_again(lines, note, options), values)
    return lines.to_bytes().decode("utf-8")


def _split_at_a_comma(metrics: dict, kpi: str) -> bool:
    """Whether YAML split the figure of ``kpi`` at a comma (``{actual: 30,5}``): replacing
    the part before the comma would leave the rest (``31250,5``)."""
    inner = metrics.get(kpi)
    return kpi in comma_splits(metrics) or isinstance(inner, dict) and "actual" in comma_splits(inner)


def verify_metrics(old: Note, new: Note, values: dict[str, int | float]) -> None:
    """Refuse unless only the imported figures read differently."""
    def refuse(what: str):
        raise EditRefused(f"{old.path}: the edit would change {what}; nothing was changed "
                          "(please report this)")

    if not same_except(old.meta, new.meta, ("metrics",)):
        refuse("other frontmatter")
    if [(m.id, m.text, m.status, m.due, m.origin) for m in old.mentions] != \
            [(m.id, m.text, m.status, m.due, m.origin) for m in new.mentions]:
        refuse("commitments")
    before = {m.name: m for m in old.metrics}
    after = {m.name: m for m in new.metrics}
    if set(after) != set(before) | set(values):
        refuse("which KPIs the note lists")
    for name, m in after.items():
        want = values.get(name, before[name].actual if name in before else None)
        goal = before[name].goal if name in before else None
        if m.actual != want or type(m.actual) is not type(want) or m.goal != goal:
            refuse(f"the figure of {name}")
    extra = problem_codes(new) - problem_codes(old)
    if extra:
        refuse("what `check` reports: " + ", ".join(sorted(code for _, code in extra)))
