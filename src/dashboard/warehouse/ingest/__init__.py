"""The import pipeline: readers, column and word tables, unit matching, mapping files, shared steps."""
