"""Stories dated after the build time are held back from every page until they go live."""

from __future__ import annotations

import dataclasses
from datetime import datetime

from generator.content.model import Content


def withhold_scheduled(content: Content, build_time: datetime, future: bool = False) -> Content:
    """Keep stories dated after `build_time` out of the site, listing them in `scheduled`.

    With `future` they stay in (a preview build) and are still listed. A published story
    that pins a scheduled one as related simply does not show it until it goes live.
    """
    scheduled = tuple(sorted((a for a in content.articles if a.date > build_time),
                             key=lambda a: (a.date, a.source)))
    if future or not scheduled:
        return dataclasses.replace(content, scheduled=scheduled)
    published = [a for a in content.articles if a.date <= build_time]
    live = {a.slug for a in published}
    hidden = {a.slug for a in scheduled} - live
    published = [dataclasses.replace(a, related=tuple(s for s in a.related if s not in hidden))
                 if any(s in hidden for s in a.related) else a
                 for a in published]
    return dataclasses.replace(content, articles=tuple(published), scheduled=scheduled)
