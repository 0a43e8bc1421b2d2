"""Video embeds: a YouTube or Vimeo URL alone in its paragraph becomes a click-to-load player.

The page holds no player and loads nothing from the video host: a link to the video
(which is all a reader without JavaScript gets) in a box that carries the player's
address. The theme's script (static/sitegen.js) adds a button that swaps in the player,
from youtube-nocookie.com or from player.vimeo.com with dnt=1, only when the reader asks.

A video ID goes into the player's address only when it matches its pattern; any other
URL stays the link it was. See docs/import.md ("Videos in a story").
"""

from __future__ import annotations

import re
from html import escape
from typing import Any, Mapping, NamedTuple, Sequence
from urllib.parse import parse_qs, urlsplit

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markdown_it.utils import OptionsDict

TOKEN = "sitegen_embed"
STRINGS = "sitegen_strings"  # key of the renderer's env: the theme's UI strings
# Used when the theme's i18n files lack the keys (a site theme of its own).
DEFAULT_STRINGS = {
    "embed_watch": "Watch the video on {provider}",
    "embed_play": "Play here (loads the {provider} player)",
    "embed_title": "{provider} video",
}

YOUTUBE_ID = re.compile(r"[A-Za-z0-9_-]{11}")
VIMEO_ID = re.compile(r"[0-9]{1,12}")
YOUTUBE_HOSTS = ("youtube.com", "www.youtube.com", "m.youtube.com")
VIMEO_HOSTS = ("vimeo.com", "www.vimeo.com")
# A paragraph holding one URL and nothing else: bare, or as an autolink <URL>.
_ALONE = re.compile(r"<(https?://[^\s<>]+)>|(https?://[^\s<>]+)", re.IGNORECASE)


class Video(NamedTuple):
    """A video of a known host, its ID validated."""

    provider: str  # "YouTube" or "Vimeo": shown in the labels
    video_id: str

    @property
    def player(self) -> str:
        """The player's address: no cookies (YouTube), do not track (Vimeo)."""
        if self.provider == "YouTube":
            return f"https://www.youtube-nocookie.com/embed/{self.video_id}?autoplay=1"
        return f"https://player.vimeo.com/video/{self.video_id}?dnt=1&autoplay=1"


def video_of(url: str) -> Video | None:
    """The video a YouTube or Vimeo URL shows, or None for any other URL.

    Known forms: youtube.com/watch?v=ID, youtu.be/ID, youtube.com/shorts/ID,
    youtube.com/embed/ID, vimeo.com/ID and player.vimeo.com/video/ID (what the importer
    writes for WordPress embeds), over http or https.
    """
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or port is not None or "@" in parts.netloc:
        return None
    host = (parts.hostname or "").lower()
    segments = parts.path.split("/")[1:]
    if segments and segments[-1] == "" and len(segments) > 1:
        segments = segments[:-1]  # a trailing slash
    found: tuple[str, str] | None = None
    if host in YOUTUBE_HOSTS:
        if segments == ["watch"]:
            values = parse_qs(parts.query).get("v", [])
            found = ("YouTube", values[0]) if len(values) == 1 else None
        elif len(segments) == 2 and segments[0] in ("shorts", "embed", "live"):
            found = ("YouTube", segments[1])
    elif host == "youtu.be" and len(segments) == 1:
        found = ("YouTube", segments[0])
    elif host in VIMEO_HOSTS and len(segments) == 1:
        found = ("Vimeo", segments[0])
    elif host == "player.vimeo.com" and len(segments) == 2 and segments[0] == "video":
        found = ("Vimeo", segments[1])
    if found is None:
        return None
    pattern = YOUTUBE_ID if found[0] == "YouTube" else VIMEO_ID
    return Video(*found) if pattern.fullmatch(found[1]) else None


def embed_rule(state: StateCore) -> None:
    """Core rule (after "block"): a paragraph holding only a video URL becomes an embed token.

    Read from the paragraph's source, before inline parsing; a paragraph hidden in a tight
    list is left alone, as is a URL with a label ([text](URL)) or inside a sentence.
    """
    tokens = state.tokens
    index = 0
    while index + 2 < len(tokens):
        opening, inline = tokens[index], tokens[index + 1]
        if opening.type == "paragraph_open" and not opening.hidden and inline.type == "inline":
            match = _ALONE.fullmatch(inline.content.strip())
            url = (match.group(1) or match.group(2)) if match else None
            video = video_of(url) if url else None
            if url and video is not None:
                href = state.md.normalizeLink(url)
                if state.md.validateLink(href):
                    token = Token(TOKEN, "div", 0, map=opening.map, level=opening.level, block=True)
                    token.meta = {"provider": video.provider, "id": video.video_id, "href": href,
                                  "player": video.player}
                    tokens[index:index + 3] = [token]
        index += 1


def render_embed(self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict,
                 env: Mapping[str, Any]) -> str:
    """The embed's HTML: a plain link to the video, and what the theme's script needs (its
    labels are the theme's, not the story's: kept out of the search index)."""
    meta = tokens[idx].meta
    strings = {**DEFAULT_STRINGS, **{k: v for k, v in (env.get(STRINGS) or {}).items() if k in DEFAULT_STRINGS}}

    def label(key: str) -> str:
        return escape(strings[key].replace("{provider}", meta["provider"]), quote=True)

    return (f'<div class="embed embed-{meta["provider"].lower()}" data-pagefind-ignore'
            f' data-embed-src="{escape(meta["player"])}"'
            f' data-embed-title="{label("embed_title")}" data-embed-play="{label("embed_play")}">\n'
            f'<a class="embed-link" href="{escape(meta["href"])}">{label("embed_watch")}</a>\n</div>\n')


def use_embeds(md: MarkdownIt) -> MarkdownIt:
    """Add the embed rule and its renderer to a parser."""
    md.core.ruler.after("block", "sitegen_embed", embed_rule)
    md.add_render_rule(TOKEN, render_embed)
    return md
