# Our rewrite of matrixmul/solution3/directives.tcl.
set_directive_top -name matrixmul "matrixmul"
set_directive_loop_flatten "matrixmul/Row"
set_directive_pipeline "matrixmul/Col"
