"""``onenotes init``: a commented onenotes.yaml and a .gitignore, never overwriting."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from onenotes.rules.config import CONFIG_NAME
from onenotes.errors import WriteError
from onenotes.reading.files import write_new_file
from onenotes.reading.yaml.safe import to_yaml_scalar

SKELETON = Path(__file__).resolve().parent / "skeleton"


@dataclass
class InitResult:
    root: Path
    created: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)


def init_notebook(root: Path, manager: str = "") -> InitResult:
    root = root.expanduser().absolute()
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WriteError(f"cannot create {root}: {exc.strerror}") from None
    config = (SKELETON / "onenotes.yaml").read_text(encoding="utf-8")
    config = config.replace("__MANAGER__", to_yaml_scalar(manager) if manager else '""')
    files = [(CONFIG_NAME, config),
             (".gitignore", (SKELETON / "gitignore").read_text(encoding="utf-8"))]
    result = InitResult(root)
    for name, text in files:
        try:
            result.created.append(write_new_file(root, name, text))
        except FileExistsError:
            result.kept.append(root / name)
        except OSError as exc:
            raise WriteError(f"cannot write {root / name}: {exc.strerror or exc}") from None
    return result
