"""The placeholder text of the story archetype, and the check that none is left in a
published story.

The packaged archetype (generator/scaffold/archetypes/article.md) writes these texts
through the `placeholder` value it is rendered with, so the archetype and `sitegen check`
share one definition; a site's own archetype can use `{{ placeholder.lead }}` too.
"""

from __future__ import annotations

from typing import Iterable

from generator.content.model import Article
from generator.errors import Diagnostic

# Key (as the archetype names it) -> the text the archetype writes for the reporter to replace.
PLACEHOLDERS: dict[str, str] = {
    "lead": "Tulis teras berita di sini: apa yang terjadi, di mana, kapan, dan siapa yang terlibat.",
}


def placeholder_diagnostics(articles: Iterable[Article], strict: bool) -> list[Diagnostic]:
    """A warning (an error with --strict) for each body line of a published story (not a
    draft) that still holds an archetype's placeholder text; each story is looked at once."""
    severity = "error" if strict else "warning"
    diags: list[Diagnostic] = []
    seen: set[str] = set()
    for article in articles:
        if article.draft or article.source in seen:
            continue
        seen.add(article.source)
        for index, line in enumerate(article.body.split("\n")):
            if any(text in line for text in PLACEHOLDERS.values()):
                diags.append(Diagnostic(article.source, "the story still holds the placeholder text of "
                                        "`sitegen new`", line=article.body_line + index, source_line=line,
                                        severity=severity,
                                        hint="write the story in its place, or set 'draft: true' until it is written"))
    return diags
