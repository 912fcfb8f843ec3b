# fir_prj/solution1/directives.tcl of the original project, rewritten: x, y and the block control on one AXI4-Lite bundle.
set_directive_interface -mode s_axilite -bundle fir_io "fir" x
set_directive_interface -mode s_axilite -bundle fir_io "fir"
set_directive_interface -mode s_axilite -bundle fir_io "fir" y
