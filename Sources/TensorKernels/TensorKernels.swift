// The TensorKernels module. See ARCHITECTURE.md for what it owns.
