# The project's solution1.directive (GUI directive file) as Tcl: PIPELINE on SUM_LOOP, TOP.
set_directive_top -name array_mem_perform "array_mem_perform"
set_directive_pipeline "array_mem_perform/SUM_LOOP"
# the report's uncertainty 1.08 ns (27 % of 4 ns)
set_clock_uncertainty 1.08
