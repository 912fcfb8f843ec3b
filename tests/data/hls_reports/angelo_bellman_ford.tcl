# RTL_Bellman_ford.prj/solution1/directives.tcl of the original project, rewritten. The two loop_flatten lines name labels (edge_counter_label0/2) that the source no longer has.
set_directive_loop_tripcount -max 50 "bellman_ford/FOR3"
set_directive_loop_flatten "edge_counter/edge_counter_label0"
set_directive_loop_flatten "edge_counter/edge_counter_label2"
set_directive_unroll "bellman_ford/FOR1"
