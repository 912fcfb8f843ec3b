# array_io_prj/solution1/directives.tcl of the original project, rewritten: both arrays on single-port BRAM interfaces.
set_directive_resource -core RAM_1P_BRAM "array_io" d_o
set_directive_resource -core RAM_1P_BRAM "array_io" d_i
