"""Reading HLS C++ and Vivado/Vitis HLS projects: the source reader, its operation and tool rules,
the burst and bank verdicts, the loop-nest format and its schedule.
"""
