"""Writes to the force's records, one module per concern; each write is one transaction with its audit row."""
