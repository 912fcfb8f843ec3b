# axi_interfaces_prj/solution1/directives.tcl of the original project, rewritten.
set_directive_array_partition -type cyclic -factor 8 -dim 1 "axi_interfaces" d_o
set_directive_interface -mode axis "axi_interfaces" d_o
set_directive_array_partition -type cyclic -factor 8 -dim 1 "axi_interfaces" d_i
set_directive_interface -mode axis "axi_interfaces" d_i
set_directive_unroll -factor 8 "axi_interfaces/For_Loop"
set_directive_pipeline -II 1 -rewind "axi_interfaces/For_Loop"
