"""A Jinja environment that does less work per template call, with the same output.

Profiling the render of a whole site (benchmarks/render_profile.py) showed two costs of
Jinja's general machinery that this site never needs:

- Every `{{ url(...) }}`, `{{ t(...) }}` or `{{ picture(...) }}` goes through
  `Context.call`, which looks for `pass_context`-style markers with four attribute
  lookups before calling: about 80 calls per page. `SiteContext.call` calls plain
  functions and bound methods at once when they carry no marker (the marker is a
  function attribute, so a look in the function's `__dict__` is the same test).
- Each template's globals are a `ChainMap` over the environment's, and Jinja walks that
  ChainMap to make every render's context and at every `{% from ... import %}`. The
  environment's globals are all set before the first template is loaded, so
  `SiteEnvironment` gives each template a plain dict copy instead.
- With autoescape on, every `{{ ... }}` of a template goes through `markupsafe.escape`,
  which wraps the escaped text in a new `Markup` (a Python `__new__`): about 100 a page.
  A template's output is only joined into the page, so `SiteTemplate` has its compiled
  code call `escape_text`, the same text as a plain str.
"""

from __future__ import annotations

from types import BuiltinFunctionType, FunctionType, MethodType
from typing import Any, Callable, MutableMapping

import jinja2
import markupsafe
from jinja2.runtime import Context, Macro

_MARKER = "jinja_pass_arg"  # what pass_context, pass_eval_context and pass_environment set
# markupsafe's own escaping of a str (its C speedup when built); the same replacements otherwise.
_escape_str: Callable[[str], str] = getattr(markupsafe, "_escape_inner", None) or (
    lambda s: s.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;").replace("'", "&#39;")
    .replace('"', "&#34;"))


def escape_text(value: Any) -> str:
    """The text of `markupsafe.escape(value)`, not made a Markup (what it costs most of)."""
    if type(value) is str:
        return _escape_str(value)
    if hasattr(value, "__html__"):  # as markupsafe asks: a StrictUndefined raises here, as there
        html = value.__html__()
        return html if isinstance(html, str) else str(html)
    return _escape_str(str(value))


class SiteContext(Context):
    """A template context whose calls to plain functions skip Jinja's marker checks."""

    def call(__self, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 - Jinja's own signature
        """Call `__obj` as `Context.call` does; plain callables are called directly."""
        kind = type(__obj)
        if kind is FunctionType:
            plain = _MARKER not in __obj.__dict__
        elif kind is MethodType:
            func = __obj.__func__
            plain = type(func) is FunctionType and _MARKER not in func.__dict__
        else:  # built-ins cannot carry the marker; a macro never has it
            plain = kind is BuiltinFunctionType or kind is Macro
        if not plain:
            return super().call(__obj, *args, **kwargs)
        if kwargs:
            kwargs.pop("_block_vars", None)
            kwargs.pop("_loop_vars", None)
        try:
            return __obj(*args, **kwargs)
        except StopIteration:
            return __self.environment.undefined(
                "value was undefined because a callable raised a StopIteration exception")


class SiteTemplate(jinja2.Template):
    """A template whose output escapes with `escape_text`.

    In compiled template code, `escape` is called only on what a `{{ ... }}` outputs,
    which is joined into the page (or into a macro's or block's text, made Markup whole).
    """

    @classmethod
    def from_code(cls, environment: jinja2.Environment, code: Any, globals: MutableMapping[str, Any],
                  uptodate: Callable[[], bool] | None = None) -> jinja2.Template:
        """The template of compiled `code`, its output escaped with `escape_text`."""
        template = super().from_code(environment, code, globals, uptodate)
        # Every function of the template module (root, blocks, macros) shares these globals.
        template.root_render_func.__globals__["escape"] = escape_text
        return template


class SiteEnvironment(jinja2.Environment):
    """An environment whose templates' globals are plain dicts (set the globals first)."""

    context_class = SiteContext
    template_class = SiteTemplate

    def __init__(self, **options: Any):
        super().__init__(**options)
        # The cached fragments (cards, masthead, footer) the page being rendered shows,
        # filled by the site's helpers (templates.py) and read by the renderer.
        self.fragments_shown: list[Any] = []

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        """The environment's globals with the template's own over them, as one dict."""
        return {**self.globals, **(d or {})}
