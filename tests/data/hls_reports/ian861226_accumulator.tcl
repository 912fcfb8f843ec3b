# accumulator/script/directives.tcl of the original project, rewritten (interface lines without -mode keep the defaults).
set_directive_pipeline -II 1 "acc_tmpl/ACCUM"
set_directive_interface "accumulator" din
set_directive_interface "accumulator" dout
