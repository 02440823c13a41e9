"""The one error an import raises for a file it cannot use, in the user's language."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from onestop.core.db import DatabaseError
from onestop.core.i18n import t

SHOWN_CHARACTERS = 200  # of a file's text quoted in a message


class ImportFileError(DatabaseError):
    """An export or mapping file that cannot be used, explained in one sentence.

    It carries a key into the `import.error` strings, so the page can explain it in the user's
    language while the command line prints the English sentence.
    """

    def __init__(self, key: str, **values: object) -> None:
        self.key = key
        self.values = values
        super().__init__(self.message("en"))

    def message(
        self,
        lang: str,
        literal: Callable[[str], str] = str,
        paths: Mapping[str, str] | None = None,
    ) -> str:
        """The explanation in a UI language.

        Each value (a path, a file's text, a library's message) is put on one line, shortened,
        shown under its public name (`paths`: temporary path → name) and passed through
        `literal`, e.g. text.markdown_literal where the sentence is rendered as Markdown.
        """
        shown = {}
        for name, value in self.values.items():
            # A library's message continues with context and hints: its first line says it.
            first_line = next((line for line in str(value).splitlines() if line.strip()), "")
            text = " ".join(first_line.split())
            for hidden, public in (paths or {}).items():
                text = text.replace(hidden, public)
            if len(text) > SHOWN_CHARACTERS:
                text = text[:SHOWN_CHARACTERS] + "…"
            shown[name] = literal(text)
        return t(f"import.error.{self.key}", lang, **shown)
