"""A template's output is escaped as markupsafe escapes it: the same text for any value."""

from __future__ import annotations

import random

import jinja2
import pytest
from markupsafe import Markup, escape

from generator.render.environment import SiteEnvironment, escape_text

PIECES = ["&", "<", ">", '"', "'", "a", " ", "é", "&amp;", "\u00a0", "\n", "&#39;", "\ue000"]


class Html:
    """An object that gives its own HTML, as markupsafe lets one."""

    def __html__(self) -> str:
        return "<b>kept</b>"


def test_escape_text_gives_markupsafes_text_for_random_strings() -> None:
    rng = random.Random(22)
    for _ in range(20_000):
        text = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 12)))
        assert escape_text(text) == str(escape(text)), repr(text)
        assert escape_text(Markup(text)) == str(escape(Markup(text)))


@pytest.mark.parametrize("value", [None, 0, 2024, 1.5, True, Html(), Markup("<i>x</i>"), ["<a>"], ("'",)])
def test_escape_text_gives_markupsafes_text_for_other_values(value: object) -> None:
    assert escape_text(value) == str(escape(value))
    assert type(escape_text(value)) in (str, Markup)


def test_templates_write_the_same_page_as_jinjas_own_escaping() -> None:
    source = ("{% macro m(x) %}<i>{{ x }}</i>{% endmacro %}{% set b %}{{ v }}!{% endset %}"
              "<p title=\"{{ v }}\">{{ v }} {{ m(v) }} {{ b }} {{ safe }} {{ n }} {{ v ~ safe }}"
              "{% filter upper %}{{ v }}{% endfilter %}</p>")
    values = {"v": "<a href='x'>&\"</a>", "safe": Markup("<b>ok</b>"), "n": 7}
    template = SiteEnvironment(autoescape=True).from_string(source)
    assert template.root_render_func.__globals__["escape"] is escape_text
    ours = template.render(values)
    jinjas = jinja2.Environment(autoescape=True).from_string(source).render(values)
    assert ours == jinjas


def test_an_undefined_value_still_fails_the_page() -> None:
    env = SiteEnvironment(autoescape=True, undefined=jinja2.StrictUndefined)
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("{{ missing }}").render()
