# dct.prj/solution4/directives.tcl of the original project, rewritten (buf_2d_in is our tile_in).
set_directive_pipeline "dct_2d/Xpose_Row_Inner_Loop"
set_directive_pipeline "dct_2d/Xpose_Col_Inner_Loop"
set_directive_pipeline "read_data/RD_Loop_Col"
set_directive_pipeline "write_data/WR_Loop_Col"
set_directive_pipeline "dct_1d/DCT_Outer_Loop"
set_directive_array_partition -type complete -dim 1 "dct" tile_in
