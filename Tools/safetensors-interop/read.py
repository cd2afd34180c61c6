#!/usr/bin/env python3
"""Loads a safetensors file with Python's `safetensors` package (numpy backend) and prints, as JSON,
each tensor's dtype, shape and values (floats as their IEEE bit patterns, so nothing is rounded), and
the metadata. SafeTensorsTests runs it on a file our writer produced.

    python3 Tools/safetensors-interop/read.py FILE
"""
import json
import sys
import numpy as np
from safetensors import safe_open

path = sys.argv[1]
result = {"tensors": {}, "metadata": None}
with safe_open(path, framework="numpy") as f:
    result["metadata"] = f.metadata()
    for name in f.keys():
        array = f.get_tensor(name)
        if array.dtype == np.float32:
            values = array.reshape(-1).view(np.uint32).tolist()
        else:
            values = array.reshape(-1).tolist()
        result["tensors"][name] = {"dtype": str(array.dtype), "shape": list(array.shape), "values": values}
json.dump(result, sys.stdout, sort_keys=True)
