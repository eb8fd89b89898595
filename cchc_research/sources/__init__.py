"""Readers that turn one raw source each into rows of the long indicator table."""
