# Our rewrite of matrixmul/solution2/directives.tcl.
set_directive_top -name matrixmul "matrixmul"
set_directive_pipeline "matrixmul/Product"
set_directive_loop_flatten -off "matrixmul/Col"
set_directive_loop_flatten "matrixmul/Row"
