"""The query catalogue, running a query with bound parameters, and opening the graph."""
