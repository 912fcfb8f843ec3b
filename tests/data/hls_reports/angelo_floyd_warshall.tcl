# FloydWarshall/solution1/directives.tcl of the original project, rewritten (the two inline -off lines name loops, not functions).
set_directive_pipeline "floyd_warshall/INNER_LOOP"
set_directive_inline -off "floyd_warshall/OUTER_LOOP"
set_directive_inline -off "floyd_warshall/MIDDLE_LOOP"
