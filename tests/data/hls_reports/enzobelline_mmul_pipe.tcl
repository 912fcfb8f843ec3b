# solution2/directives.tcl of the original project.
set_directive_top -name mmul "mmul"
set_directive_pipeline "mmul/prod"
