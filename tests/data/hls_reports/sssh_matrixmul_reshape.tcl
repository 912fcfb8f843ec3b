# Our rewrite of matrixmul/solution4/directives.tcl (arguments renamed to our kernel's x, y).
set_directive_top -name matrixmul "matrixmul"
set_directive_loop_flatten "matrixmul/Row"
set_directive_pipeline "matrixmul/Col"
set_directive_array_reshape -dim 2 -type complete "matrixmul" x
set_directive_array_reshape -dim 1 -type complete "matrixmul" y
