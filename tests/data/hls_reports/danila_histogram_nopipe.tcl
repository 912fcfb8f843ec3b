# Our rewrite of the solution's directives (its interface directive names a port the function does not have and is left out).
set_directive_pipeline -off "lab3_z2"
# the solution's .aps: uncertainty 1
set_clock_uncertainty 1
