"""Publishing to SPARQL stores over the Graph Store Protocol."""
