# solution5/directives.tcl of the original project (argument names are ours).
set_directive_top -name inner_product "inner_product"
set_directive_pipeline -II 1 -rewind "inner_product/inner_product_loop"
set_directive_array_partition -type block -factor 4 -dim 1 "inner_product" lhs
set_directive_array_partition -type block -factor 4 -dim 1 "inner_product" rhs
set_directive_unroll -factor 4 "inner_product/inner_product_loop"
