"""Publishing on the web: paths, the published store, pages, docs, endpoint, serve and site."""
