#!/usr/bin/env python3
"""Writes Tests/Fixtures/safetensors/python-written.safetensors with Python's `safetensors` package, so
that a test can check that our reader loads what the reference implementation writes (header padding,
tensor order, metadata and all). Needs `pip install safetensors numpy`. Re-running it gives the same bytes.

    python3 Tools/safetensors-interop/generate.py

The values are the ones SafeTensorsTests.testReadsAFileWrittenByPythonsSafetensors expects:
  weight  F32 [2, 3]  0.5 · (i − 2.5) for i = 0…5, then the sixth replaced by −0.0
  extremes F32 [4]    the largest Float, the smallest normal, the smallest subnormal, −1e30
  step    I64 [1]     2^40 + 7
  ids     I64 [2, 2]  −1, 0, 1, 2^62
  metadata            {"format": "swiftnmt-test", "note": "written by safetensors <version>"} (version recorded)
"""
import os
import numpy as np
import safetensors
from safetensors.numpy import save_file

here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(here, "..", "..", "Tests", "Fixtures", "safetensors", "python-written.safetensors")

weight = (0.5 * (np.arange(6, dtype=np.float32) - 2.5)).reshape(2, 3)
weight[1, 2] = -0.0
f32 = np.finfo(np.float32)
extremes = np.array([f32.max, f32.tiny, np.float32(1.4e-45), -1e30], dtype=np.float32)
tensors = {
    "weight": weight,
    "extremes": extremes,
    "step": np.array([2**40 + 7], dtype=np.int64),
    "ids": np.array([[-1, 0], [1, 2**62]], dtype=np.int64),
}
save_file(tensors, os.path.normpath(out),
          metadata={"format": "swiftnmt-test", "note": f"written by safetensors {safetensors.__version__}"})
print("wrote", os.path.normpath(out))
