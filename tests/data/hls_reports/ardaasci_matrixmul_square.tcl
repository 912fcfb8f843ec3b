# Our rewrite of matrixmul_prj/solution1 directives (solution1.directive: PIPELINE II=1 on matrixmul/Product).
set_directive_top -name matrixmul "matrixmul"
set_directive_pipeline -II 1 "matrixmul/Product"
