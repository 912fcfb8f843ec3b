# solution1/directives.tcl of the original project.
set_directive_inline -off "sub_func"
