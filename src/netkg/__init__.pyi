"""What IDEs and type checkers see of `netkg`: the API that netkg/__init__.py loads on first use."""

from netkg.api import KnowledgeGraph as KnowledgeGraph
from netkg.api import load_graph as load_graph
from netkg.api import queries as queries
from netkg.api import validate_files as validate_files
from netkg.errors import NetkgError as NetkgError

__version__: str
__all__: list[str]
