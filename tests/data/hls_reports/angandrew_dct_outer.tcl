# dct.prj/solution3/directives.tcl of the original project, rewritten.
set_directive_pipeline "dct_2d/Xpose_Row_Inner_Loop"
set_directive_pipeline "dct_2d/Xpose_Col_Inner_Loop"
set_directive_pipeline "read_data/RD_Loop_Col"
set_directive_pipeline "write_data/WR_Loop_Col"
set_directive_pipeline "dct_1d/DCT_Outer_Loop"
