# InsertionSort/solution1/directives.tcl of the original project, rewritten.
set_directive_loop_tripcount -max 10 "insertion_sort/WHILE_LOOP"
set_directive_array_partition -type complete -dim 1 "insertion_sort" v
