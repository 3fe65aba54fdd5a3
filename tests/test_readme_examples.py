"""The README's examples write where git ignores, and read and write text as UTF-8."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_example_commands_write_into_out() -> None:
    targets = re.findall(r"^\$ .*?--(?:out|map) (\S+)", README, flags=re.MULTILINE)
    assert len(targets) >= 3
    assert all(target.startswith("out/") for target in targets), targets
    assert "out/" in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()


def test_python_snippets_open_text_as_utf8() -> None:
    code = "\n".join(re.findall(r"```python\n(.*?)```", README, flags=re.DOTALL))
    opens = re.findall(r"\bopen\((.*?)\)(?: as|\.)", code)
    assert opens and all('encoding="utf-8"' in args for args in opens), opens
    assert "open(\"out/" in code
