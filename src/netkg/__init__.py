"""netkg — a knowledge graph of network-based municipal organisation and co-creation.

The notebook-facing API::

    import netkg
    kg = netkg.load_graph()                             # ontology, vocabularies, data, reasoned
    kg.query("networks", municipality="albertslund")    # a ResultTable
    kg.query("networks").to_dataframe()                 # a pandas DataFrame
    netkg.queries()                                     # the named queries
"""

from importlib import import_module as _import_module

__version__ = "0.1.0"
__all__ = ["KnowledgeGraph", "NetkgError", "load_graph", "queries", "validate_files"]

_LAZY = {
    "KnowledgeGraph": "netkg.api",
    "queries": "netkg.api",
    "load_graph": "netkg.api",
    "validate_files": "netkg.api",
    "NetkgError": "netkg.errors",
}


def __getattr__(name: str) -> object:
    """Import the API on first use, so `netkg --help` stays fast."""
    if name in _LAZY:
        return getattr(_import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'netkg' has no attribute {name!r}")


def __dir__() -> list[str]:
    """The public API too, so `dir(netkg)` and `help(netkg)` list it before it is loaded."""
    return sorted({*globals(), *__all__})
