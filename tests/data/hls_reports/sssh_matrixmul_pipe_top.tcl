# Our rewrite of matrixmul/solution6/directives.tcl (arguments renamed to our kernel's x, y).
set_directive_top -name matrixmul "matrixmul"
set_directive_array_reshape -type complete -dim 2 "matrixmul" x
set_directive_array_reshape -type complete -dim 1 "matrixmul" y
set_directive_pipeline "matrixmul"
