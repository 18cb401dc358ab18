# The examples of NumPy's ndarray.ctypes page, as typed at Python's >>> prompt.
# stridescope run examples/seed.py --model llp64   reproduces the page's Windows output (c_long(0))
import numpy as np
import ctypes
x = np.array([[0, 1], [2, 3]], dtype=np.int32)
x
x.ctypes.data
x.ctypes.data_as(ctypes.POINTER(ctypes.c_long))
x.ctypes.data_as(ctypes.POINTER(ctypes.c_long)).contents
x.ctypes.data_as(ctypes.POINTER(ctypes.c_longlong)).contents
x.ctypes.shape
x.ctypes.shape_as(ctypes.c_long)
x.ctypes.strides
x.ctypes.strides_as(ctypes.c_longlong)
list(x.ctypes.shape)
list(x.ctypes.strides_as(ctypes.c_longlong))
ctypes.sizeof(ctypes.c_long)
x.ctypes._as_parameter_
