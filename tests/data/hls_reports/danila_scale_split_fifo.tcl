# Our rewrite of the solution's directives and dataflow setting.
config_dataflow -default_channel fifo
set_directive_dataflow "foo_m"
# the solution's .aps: uncertainty 1
set_clock_uncertainty 1
