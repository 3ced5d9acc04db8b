"""The line scanner finds exactly the tasks a CommonMark/GFM parser finds.

Bodies are generated from the blocks people actually put in one-on-one notes:
headings, paragraphs, task lists (every marker, nested, with continuation
lines), fenced and indented code holding task-like lines, HTML comments,
block quotes and thematic breaks.  markdown-it-py with mdit-py-plugins'
tasklists is the oracle (tests/mdoracle.py).
"""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from conftest import examples
from mdoracle import oracle_tasks
from onenotes.tasks import scan_tasks

WORDS = st.sampled_from(
    ["Send", "the", "proposal", "to", "Globex", "call", "Bob", "due:", "2026-11-30", "CRM",
     "[x]", "[ ]", "`code`", "*bold*", "<b>", "pricing", "-", "1.", "#3", "a", "5>3", ">"])
# Any words in any order: a line may start with ">", "-", "1." or "#3" (so a
# lazy line may open a quote or a list item instead).
TEXT = st.lists(WORDS, min_size=1, max_size=6).map(" ".join)
# HTML comments as people and tools write them, on one line or over several;
# "<!-->" and "<!--->" are whole comments (CommonMark 0.31).
COMMENTS = [
    ["<!--", "- [ ] commented out", "-->"], ["<!-- - [ ] one-line comment -->"], ["<!-->"],
    ["<!--->"], ["<!---->"], ["<!-- a", "- [ ] hidden", "b --> - [ ] after, still html"],
    ["<!-- -->"], ["<!-->", "- [ ] after a closed comment"],
]
BOX = st.sampled_from(["[ ] ", "[x] ", "[X] ", "[-] ", "[/] ", "[ ]  ", "[ ]", "", "[ ]\t", "[]"])
BULLET = st.sampled_from(["- ", "* ", "+ ", "1. ", "2. ", "1) ", "10. ", "-  ", "-   "])


@st.composite
def task_list(draw, depth=0, prefix=""):
    lines = []
    marker = draw(BULLET)
    for _ in range(draw(st.integers(1, 4))):
        indent = prefix + " " * len(marker)
        # The item starts with a paragraph, or a block quote (maybe holding a task list).
        quote = draw(st.sampled_from(["", "", "", "> ", "> - ", ">"]))
        lines.append(f"{prefix}{marker}{quote}{draw(BOX)}{draw(TEXT)}")
        if draw(st.booleans()) and draw(st.booleans()):
            # A continuation line: indented, lazy, or going on with a quote.
            lead = draw(st.sampled_from([indent, "", indent + "> ", "> ", " "]))
            lines.append(lead + draw(TEXT))
        if draw(st.integers(0, 6)) == 0:
            lines += [indent + line for line in draw(st.sampled_from(COMMENTS))]
        if depth < 2 and draw(st.integers(0, 3)) == 0:
            # Editors indent a child to its parent's text (or one more space).
            child_indent = prefix + " " * draw(st.sampled_from([len(marker), len(marker) + 1]))
            if draw(st.booleans()):
                lines.append("")
            lines.extend(draw(task_list(depth=depth + 1, prefix=child_indent)))
        if draw(st.integers(0, 5)) == 0:
            fence = draw(st.sampled_from(["```", "~~~", "````"]))
            lines += [indent + fence, indent + "- [ ] inside a fence", indent + fence]
    return lines


@st.composite
def block(draw):
    kind = draw(st.sampled_from(
        ["heading", "para", "list", "list", "list", "fence", "indented", "comment", "quote",
         "rule", "details", "setext"]))
    if kind == "heading":
        return [draw(st.sampled_from(["#", "##", "###"])) + " " + draw(TEXT)]
    if kind == "para":
        return [draw(TEXT) for _ in range(draw(st.integers(1, 3)))]
    if kind == "list":
        return draw(task_list())
    if kind == "fence":
        fence = draw(st.sampled_from(["```", "~~~", "```markdown", "~~~~"]))
        close = fence.rstrip("markdown")
        return [fence, "- [ ] not a task", "* [x] nor this", close]
    if kind == "indented":
        return ["", "    - [ ] indented code", "    - [x] also code"]
    if kind == "comment":
        return draw(st.sampled_from(COMMENTS))
    if kind == "quote":
        inner = draw(task_list())
        # Then a blank line, or a lazy line going on with the quote's last paragraph.
        return ["> " + line if line else ">" for line in inner] + [draw(st.one_of(st.just(""), TEXT))]
    if kind == "rule":
        return [draw(st.sampled_from(["***", "---", "___", "* * *"]))]
    if kind == "details":
        return ["<details>", "- [ ] inside html", "</details>"]
    return [draw(TEXT), draw(st.sampled_from(["---", "==="]))]


@st.composite
def body(draw):
    lines = []
    for _ in range(draw(st.integers(1, 8))):
        lines.extend(draw(block()))
        lines.extend([""] * draw(st.integers(0, 2)))
    return "\n".join(lines) + "\n"


def scanned(text: str):
    return [(t.line, t.marker, " ".join(t.text.split()), t.parent) for t in scan_tasks(text)]


@settings(max_examples=examples(400), deadline=None)
@given(body())
@example("- [ ] a\n- [x] b\n  - [ ] nested\n> - [ ] quoted\n```\n- [ ] fenced\n```\n")
@example("1. [ ] one\n2. [ ] two\n3. [x] three\n")
@example("para\n- [ ] interrupts\n\npara\n2. [ ] does not interrupt\n")
@example("- [ ] task\n  ---\n")
@example("- [ ]\n  text on the next line\n")
@example("<!--\n- [ ] hidden\n-->\n- [ ] shown\n")
@example("    - [ ] indented code\n\ntext\n    - [ ] continuation, not code\n")
@example("1. > Ann said:\ncall her back\n2. [ ] send the deck")  # a lazy line in a quote in an item
@example("<!-->\n- [ ] after\n<!--->\n- [ ] after too\n")  # comments closed on their first line
def test_scanner_agrees_with_commonmark_gfm(text):
    assert scanned(text) == oracle_tasks(text)


def test_realistic_example_notes_agree(example_notebook):
    """Every body in examples/acme-sales gives the same tasks as the oracle."""
    from onenotes.note import HANDLER, decode

    checked = 0
    for path in sorted(example_notebook.glob("*/*.md")):
        text = decode(path.read_bytes(), str(path))
        _, body_text, _ = HANDLER.split_at(text)
        assert scanned(body_text) == oracle_tasks(body_text), path
        checked += 1
    assert checked >= 20
