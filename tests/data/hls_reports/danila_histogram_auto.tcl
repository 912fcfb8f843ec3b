# The clock uncertainty of the original project (the solution's .aps: uncertainty 1); nothing else is set by directive.
set_clock_uncertainty 1
