"""Design-space exploration: independent tasks on Dask and the sweeps built on them."""
