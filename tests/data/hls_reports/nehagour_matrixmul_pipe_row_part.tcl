# Our rewrite of matrix_multiplication_16_unroll/solution1/directives.tcl (arguments renamed to our kernel's p (a) and q (b)).
set_directive_array_partition -type complete -dim 2 "matrixmul" q
set_directive_array_partition -type complete -dim 2 "matrixmul" p
set_directive_pipeline "matrixmul/Row"
