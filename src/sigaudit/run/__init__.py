"""Stage: running validation on local worker processes or a Dask cluster."""
