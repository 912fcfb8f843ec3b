# Our rewrite of matrix_multiplier/solution3/directives.tcl (arguments renamed to our kernel's lhs (a) and rhs (b)).
set_directive_pipeline "matrix_mult/Col"
set_directive_array_reshape -type complete -dim 2 "matrix_mult" lhs
set_directive_array_reshape -type complete -dim 1 "matrix_mult" rhs
