"""Import aiogram without building a validator for every Telegram type up front.

aiogram's ~900 Telegram types ask pydantic to defer building their validators (`defer_build=True`), but
`aiogram.types` ends with a loop that calls `model_rebuild()` on every one of them, only so that their
forward references ("Message", "User", ...) resolve against a namespace of all types. That loop builds
every validator and serializer at import, most of an aiogram process's memory and seconds of its start
(docs/performance.md), for a bot that validates an Update (and what it nests) and a few method results.

`import_aiogram` lets the deferral stand: while aiogram imports, that loop's rebuild only records the
namespace; afterwards the namespace's names are added to the globals of each module that defines a model
still to be built, which is where pydantic looks when it builds the model on first use. The validators
are the same, built when first needed.

If aiogram stops calling `model_rebuild(_types_namespace=...)`, nothing is recorded and nothing deferred:
the import is simply the stock one.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator, Mapping
from typing import Any

from pydantic import BaseModel

from bot.tested_versions import require_tested


def import_aiogram() -> None:
    """Import aiogram (once per process), leaving its models' validators to be built on first use."""
    if "aiogram" in sys.modules:
        return
    require_tested("aiogram")
    require_tested("pydantic")
    namespace = _import_recording_namespace()
    if namespace is None:
        return
    for module_name in {model.__module__ for model in _deferred_aiogram_models()}:
        module_globals = vars(sys.modules[module_name])
        for name, value in namespace.items():
            module_globals.setdefault(name, value)


def _import_recording_namespace() -> Mapping[str, Any] | None:
    """Import aiogram with the import-time rebuild of deferred models turned into "note the namespace"."""
    stock_rebuild = BaseModel.__dict__["model_rebuild"]
    recorded: list[Mapping[str, Any]] = []

    def rebuild_unless_deferred(
        cls: type[BaseModel], /, *, _types_namespace: Mapping[str, Any] | None = None, **options: Any
    ) -> bool | None:
        if _types_namespace is not None and cls.model_config.get("defer_build") and not options:
            recorded.append(_types_namespace)
            return None
        result: bool | None = stock_rebuild.__func__(cls, _types_namespace=_types_namespace, **options)
        return result

    BaseModel.model_rebuild = classmethod(rebuild_unless_deferred)  # type: ignore[method-assign,assignment]
    try:
        importlib.import_module("aiogram")
    finally:
        BaseModel.model_rebuild = stock_rebuild  # type: ignore[method-assign]
    return recorded[-1] if recorded else None


def _deferred_aiogram_models() -> Iterator[type[BaseModel]]:
    pending: list[type[BaseModel]] = [BaseModel]
    while pending:
        for model in pending.pop().__subclasses__():
            pending.append(model)
            if model.__module__.startswith("aiogram.") and not model.__pydantic_complete__:
                yield model
