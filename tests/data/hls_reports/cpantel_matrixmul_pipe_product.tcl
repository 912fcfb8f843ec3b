# Our rewrite of matrix_multiplier/solution2/directives.tcl.
set_directive_pipeline "matrix_mult/Product"
