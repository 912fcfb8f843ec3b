# fir.prj/solution1/directives.tcl of the original project, rewritten.
set_directive_pipeline "fir/loop"
set_directive_interface -mode s_axilite -bundle fir_io "fir" x
set_directive_interface -mode s_axilite -bundle fir_io "fir" y
set_directive_interface -mode s_axilite -bundle fir_io "fir"
