"""Reports over the graph: the comparison report and the organisation diagram."""
