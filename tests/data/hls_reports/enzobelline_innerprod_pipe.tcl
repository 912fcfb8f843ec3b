# solution2/directives.tcl of the original project (argument names are ours).
set_directive_top -name inner_product "inner_product"
set_directive_pipeline "inner_product/inner_product_loop"
