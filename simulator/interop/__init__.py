"""Other tools' formats: ONNX models and SCALE-Sim topologies and its systolic-array model."""
