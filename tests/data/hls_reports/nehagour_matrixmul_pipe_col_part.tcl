# Our rewrite of MATRIX_MULTIPLICATION_16_PIPELINE_3/solution1/directives.tcl (one directive naming both arguments, written here as two; renamed to our kernel's p (a) and q (b)).
set_directive_array_partition -type complete -dim 2 "matrixmul" p
set_directive_array_partition -type complete -dim 2 "matrixmul" q
