# Our rewrite of the solution's directives.
set_directive_pipeline "cordic"
