# Our rewrite of matrixmul/solution1/directives.tcl.
set_directive_top -name matrixmul "matrixmul"
set_directive_pipeline -off "matrixmul/Col"
set_directive_loop_flatten -off "matrixmul/Row"
