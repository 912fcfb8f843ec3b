"""The hardware units as designs (one dataclass each) and their FPGA resources."""
