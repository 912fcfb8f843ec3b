# Our rewrite of LABA1/solution2/directives.tcl.
set_directive_top -name matrixmul "matrixmul"
set_directive_pipeline "matrixmul/Product"
