# The clock uncertainty of the original project (the project Tcl's set_clock_uncertainty 1.25); nothing else is set by directive.
set_clock_uncertainty 1.25
