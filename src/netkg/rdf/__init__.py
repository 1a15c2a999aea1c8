"""The engine layer: the only code that touches rdflib stores, Oxigraph or HTTP.

RDF terms, parameter binding, result tables, the two stores and the SPARQL-over-HTTP client.
"""
