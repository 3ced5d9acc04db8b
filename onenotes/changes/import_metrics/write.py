"""Writing an import's plan: edits atomically, new notes exclusively."""

from __future__ import annotations

import os

from onenotes.changes.import_metrics.plan import ImportPlan
from onenotes.changes.splice import Change, check_writable, race_error
from onenotes.errors import RefusedError, WriteError
from onenotes.reading.files import ChangedOnDisk, replace_file, write_new_file
from onenotes.reading.places import check_place, open_folder


def write_plan(plan: ImportPlan) -> list[Change]:
    """Write the planned notes: edits atomically (refused when the file changed
    since it was read), new notes exclusively.  Returns what was written."""
    check_writable(plan.changes)
    done: list[Change] = []
    for change in sorted(plan.changes, key=lambda c: c.new_file):
        try:
            if change.new_file:
                folder = open_folder(change.root, change.rel.rsplit("/", 1)[0], create=True)
                try:
                    write_new_file(change.path.parent, change.path.name, change.new.decode("utf-8"),
                                   dir_fd=folder)
                finally:
                    if folder is not None:
                        os.close(folder)
            else:
                check_place(change.root, change.rel)
                replace_file(change.path, change.new, expected=change.read)
        except ChangedOnDisk as exc:
            raise race_error(change.rel, exc, [c.rel for c in done]) from None
        except RefusedError as exc:  # a link put on the way since the plan was made
            if not done:
                raise
            raise RefusedError(f"{exc.message.removesuffix('; nothing written')}; {change.rel} was not written; "
                               "already written: " + ", ".join(c.rel for c in done), hint=exc.hint) from None
        except FileExistsError:
            written = "; already written: " + ", ".join(c.rel for c in done) if done else ""
            raise RefusedError(f"{change.rel} changed while onenotes was writing; it was left as it is"
                               + written, hint="run the command again") from None
        except OSError as exc:
            written = "; already written: " + ", ".join(c.rel for c in done) if done else ""
            raise WriteError(f"cannot write {change.rel}: {exc.strerror or exc}{written}") from None
        done.append(change)
    return done
