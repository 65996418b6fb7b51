"""Compiled templates that do less work per written value and per call (issue 22).

A list page writes about 600 values and makes about 250 calls from its templates; the two
changes here took its rendering from 1.25 to 0.77 ms of CPU, with the same output
(tests/test_template_output.py renders templates both ways and compares them).

What is written: Jinja compiles every ``{{ value }}`` of an autoescaped template into
``escape(value)`` (markupsafe), whose result is joined into the page and used for nothing
else. ``escape`` returns a new ``Markup`` for every value: a value that is Markup already
(a translated label, a macro's output) is copied through Python-level ``__html__`` and
``Markup.__new__`` calls, and a plain string is escaped in C and then wrapped the same way.
``escape_output`` gives the same characters as ``str(escape(value))``: Markup as it is, a
plain string escaped by markupsafe's own C function, anything else through ``escape``.
``OutputEscaping`` is the code generator that writes ``escape_output(`` where Jinja writes
``escape(``; nothing else about the compiled templates changes.

What is called: see ``DirectCalls``.
"""

from __future__ import annotations

from collections.abc import Callable
from types import BuiltinFunctionType, FunctionType, MethodType
from typing import Any

import markupsafe
from jinja2.compiler import CodeGenerator, Frame
from jinja2.nodes import Expr, Template
from jinja2.runtime import Context, Macro
from jinja2.utils import internalcode
from markupsafe import Markup, escape


def _escape_text_fallback(text: str) -> str:
    return str(escape(text))


# markupsafe's C function behind escape() for a str (or its pure-Python twin where the C
# extension is missing); named with an underscore, so used only when it is there.
_escape_text: Callable[[str], str] = getattr(markupsafe, "_escape_inner", _escape_text_fallback)


def escape_output(value: Any) -> str:
    """``str(markupsafe.escape(value))``, without the new Markup object per value."""
    kind = value.__class__
    if kind is Markup:
        return value  # type: ignore[no-any-return]  # safe already; escape() would copy it unchanged
    if kind is str:
        return _escape_text(value)
    return escape(value)  # numbers, dates, objects with __html__, str subclasses: as Jinja does


class OutputEscaping(CodeGenerator):
    """Jinja's code generator, writing ``escape_output(`` for ``escape(`` around what a
    template outputs where autoescaping is known when the template compiles (every HTML
    template here). Where a template switches autoescaping at run time (``{% autoescape %}``
    with a variable) Jinja's own code stays."""

    def visit_Template(self, node: Template, frame: Frame | None = None) -> None:
        self.writeline(f"from {__name__} import escape_output")
        super().visit_Template(node, frame)

    def _output_child_pre(self, node: Expr, frame: Frame, finalize: Any) -> None:
        if frame.eval_ctx.autoescape and not frame.eval_ctx.volatile:
            self.write("escape_output(")
            if finalize.src is not None:
                self.write(finalize.src)
            return
        super()._output_child_pre(node, frame, finalize)


class DirectCalls(Context):
    """Jinja's context, calling a plain function or macro from a template directly.

    Every call in a template goes through ``Context.call``, which asks the callable (and its
    ``__call__``) whether it wants the context, the evaluation context or the environment
    passed in (``@pass_context`` and the like) and builds a bound ``__call__`` to ask: about
    250 calls on a list page (labels, dates, a macro per row and badge). A function, method
    or builtin without ``jinja_pass_arg``, and a macro, want none of those: they are called
    here at once, with what Jinja's ``call`` would pass them (the loop and block variables it
    hands to context functions only are dropped, a ``StopIteration`` becomes undefined).
    Everything else goes through Jinja's ``call``."""

    @internalcode
    def call(__self, __obj: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:  # noqa: N805 -- Jinja's signature
        kind = __obj.__class__
        if (
            kind is Macro
            or kind is BuiltinFunctionType
            or (kind in _FUNCTIONS and not hasattr(__obj, "jinja_pass_arg"))
        ):
            if kwargs:
                kwargs.pop("_block_vars", None)
                kwargs.pop("_loop_vars", None)
            try:
                return __obj(*args, **kwargs)
            except StopIteration:
                return __self.environment.undefined(
                    "value was undefined because a callable raised a StopIteration exception"
                )
        return super().call(__obj, *args, **kwargs)


_FUNCTIONS = (FunctionType, MethodType)
