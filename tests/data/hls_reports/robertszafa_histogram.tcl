# solution1/directives.tcl of the original project: pipeline the labelled loop (no II given -> target 1).
set_directive_pipeline "loop_imperfect/LOOP_J"
