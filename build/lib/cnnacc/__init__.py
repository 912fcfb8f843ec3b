"""The cnnacc command line (``cnnacc`` or ``python -m cnnacc``): one module per command group,
each with ``register(subparsers)``. The top layer: it imports reports, compress and simulator;
nothing imports it."""
