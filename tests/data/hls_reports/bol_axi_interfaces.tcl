# Our rewrite of lab4/axi_interfaces_prj/solution1/directives.tcl (arguments renamed to our kernel's dst, src).
set_directive_top -name axi_interfaces "axi_interfaces"
set_directive_array_partition -type cyclic -factor 8 -dim 1 "axi_interfaces" dst
set_directive_interface -mode axis -register "axi_interfaces" dst
set_directive_array_partition -type cyclic -factor 8 -dim 1 "axi_interfaces" src
set_directive_interface -mode axis -register "axi_interfaces" src
set_directive_unroll -factor 8 "axi_interfaces/For_Loop"
set_directive_pipeline -rewind "axi_interfaces/For_Loop"
