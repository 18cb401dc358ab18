# The seed page's warning: (a+b) is freed before the next statement, so an address taken from it dangles.
# stridescope run examples/temporary.py   refuses the read (CPython would read freed memory) and names the statement.
import numpy as np
import ctypes
a = np.arange(4, dtype=np.int32)
b = np.ones(4, dtype=np.int32)
p = (a+b).ctypes.data
ctypes.cast(p, ctypes.POINTER(ctypes.c_int)).contents
c = a+b
c.ctypes.data_as(ctypes.POINTER(ctypes.c_int)).contents
ct = (a+b).ctypes
ct.data_as(ctypes.POINTER(ctypes.c_int))[3]
