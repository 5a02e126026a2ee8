"""The only package besides pages/ that calls st.*: cached data access, shared filters, components."""
