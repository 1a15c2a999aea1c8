"""The inputs: which file goes into which graph, and reading RDF with located errors."""
