/**
 * The guided walkthrough of the seed page (numpy.memmap.ctypes): each step types the page's example into the
 * console and points at the pane that shows what the example is about. Each step's `expected` is what the
 * console prints (addresses written as ADDR / 0xADDR); tests/playground/tour.test.ts runs every step and checks
 * it, and checks every line of every step, output for output, against the real Python transcripts in
 * tests/fixtures/playground/expected.json — all but `temporary`, whose read of freed memory is refused here
 * where CPython reads whatever the freed memory holds.
 */
import type { ModelSpec } from '../core/ctypeModel';

/** Which pane the tour points at while the step runs. */
export type TourPane = 'console' | 'bytes' | 'walk' | 'reinterpret' | 'lifetime';

export interface TourStep {
  id: string;
  title: string;
  /** The seed page's words this step is about. */
  seed: string;
  /** What to notice, in the pane. */
  explain: string;
  pane: TourPane;
  /** The view the walk pane shows for this step (its strides are the ones `explain` names). */
  walk?: string;
  model: ModelSpec;
  /** false: NumPy without the ctypes module. */
  ctypes?: boolean;
  /** Run silently first (state the step needs). */
  setup: string[];
  /** Typed into the console, one input each. */
  code: string[];
  /** What the console prints for `code` (ADDR for a ctypes.data integer, 0xADDR for object addresses). */
  expected: string;
  /** On live Python, where CPython prints whatever freed memory holds: a RegExp source the output matches. */
  expectedLive?: string;
}

/** The seed page's example, as every step and the console's start define it. */
export const SEED_SETUP = ['import numpy as np', 'import ctypes', 'x = np.array([[0, 1], [2, 3]], dtype=np.int32)'];
const TEMP_SETUP = [
  'import numpy as np',
  'import ctypes',
  'a = np.arange(4, dtype=np.int32)',
  'b = np.ones(4, dtype=np.int32)',
];

export const TOUR: readonly TourStep[] = [
  {
    id: 'array',
    title: 'The example array',
    seed: 'An object to simplify the interaction of the array with the ctypes module.',
    explain: 'Four int32 values in 16 contiguous bytes: the bytes pane shows 00 00 00 00 01 00 00 00 ...',
    pane: 'bytes',
    model: 'LP64',
    setup: SEED_SETUP.slice(0, 2),
    code: ['x = np.array([[0, 1], [2, 3]], dtype=np.int32)', 'x'],
    expected: 'array([[0, 1],\n       [2, 3]], dtype=int32)\n',
  },
  {
    id: 'data',
    title: 'data: the address of the first byte',
    seed: 'data: A pointer to the memory area of the array as a Python integer. ... User Beware!',
    explain: 'A plain integer — the address of byte 0 in the bytes pane. It keeps nothing alive.',
    pane: 'bytes',
    model: 'LP64',
    setup: SEED_SETUP,
    code: ['x.ctypes.data', "x.ctypes.data == x.__array_interface__['data'][0]"],
    expected: 'ADDR\nTrue\n',
  },
  {
    id: 'shape',
    title: 'shape: a c_intp array',
    seed: 'shape (c_intp*self.ndim): A ctypes array of length self.ndim where the basetype is the C-integer corresponding to dtype(‘p’)',
    explain: 'On Linux (LP64) c_intp is c_long: a c_long_Array_2 holding [2, 2].',
    pane: 'console',
    model: 'LP64',
    setup: SEED_SETUP,
    code: ['x.ctypes.shape', 'list(x.ctypes.shape)'],
    expected: '<numpy._core._internal.c_long_Array_2 object at 0xADDR>\n[2, 2]\n',
  },
  {
    id: 'strides',
    title: 'strides: bytes to the next element',
    seed: 'This strides information is important for showing how many bytes must be jumped to get to the next element in the array.',
    explain: 'x.strides is (8, 4): the stride walk of x steps 8 bytes to the next row and 4 to the next column.',
    pane: 'walk',
    walk: 'x',
    model: 'LP64',
    setup: SEED_SETUP,
    code: ['x.ctypes.strides', 'list(x.ctypes.strides)'],
    expected: '<numpy._core._internal.c_long_Array_2 object at 0xADDR>\n[8, 4]\n',
  },
  {
    id: 'data_as-llp64',
    title: "data_as: the page's values (64-bit Windows, LLP64)",
    seed: '>>> x.ctypes.data_as(ctypes.POINTER(ctypes.c_long)).contents\nc_long(0)\n>>> ...(ctypes.POINTER(ctypes.c_longlong)).contents\nc_longlong(4294967296L)',
    explain: 'Where long is 4 bytes, c_long reads x[0, 0]; c_longlong reads 8 bytes: x[0, 1] lands in the high half.',
    pane: 'reinterpret',
    model: 'LLP64',
    setup: SEED_SETUP,
    code: [
      'x.ctypes.data_as(ctypes.POINTER(ctypes.c_long)).contents',
      'x.ctypes.data_as(ctypes.POINTER(ctypes.c_longlong)).contents',
      'ctypes.sizeof(ctypes.c_long)',
    ],
    expected: 'c_long(0)\nc_longlong(4294967296)\n4\n',
  },
  {
    id: 'data_as-lp64',
    title: 'data_as on Linux (LP64)',
    seed: 'data_as(obj): Return the data pointer cast to a particular c-types object.',
    explain: 'Here long is 8 bytes: c_long already spans x[0, 0] and x[0, 1]; c_longlong is the same type.',
    pane: 'reinterpret',
    model: 'LP64',
    setup: SEED_SETUP,
    code: [
      'x.ctypes.data_as(ctypes.POINTER(ctypes.c_long))',
      'x.ctypes.data_as(ctypes.POINTER(ctypes.c_long)).contents',
      'x.ctypes.data_as(ctypes.POINTER(ctypes.c_longlong)).contents',
    ],
    expected: '<__main__.LP_c_long object at 0xADDR>\nc_long(4294967296)\nc_long(4294967296)\n',
  },
  {
    id: 'shape_as',
    title: 'shape_as / strides_as: the same numbers as another C type',
    seed: 'shape_as(obj): Return the shape tuple as an array of some other c-types type. For example: self.shape_as(ctypes.c_short).',
    explain: 'ctypes converts silently; a c_short array of [2, 2].',
    pane: 'console',
    model: 'LP64',
    setup: SEED_SETUP,
    code: [
      'x.ctypes.shape_as(ctypes.c_short)',
      'list(x.ctypes.shape_as(ctypes.c_short))',
      'list(x.ctypes.strides_as(ctypes.c_longlong))',
    ],
    expected: '<numpy._core._internal.c_short_Array_2 object at 0xADDR>\n[2, 2]\n[8, 4]\n',
  },
  {
    id: 'temporary',
    title: 'The temporary-array warning',
    seed: 'Be careful using the ctypes attribute - especially on temporary arrays ... the array created as (a+b) is deallocated before the next Python statement.',
    explain:
      'p is a bare integer: nothing holds a+b, so it is freed when the statement ends. Reading through p is refused.',
    pane: 'lifetime',
    model: 'LP64',
    setup: TEMP_SETUP,
    code: ['p = (a+b).ctypes.data', 'ctypes.cast(p, ctypes.POINTER(ctypes.c_int)).contents'],
    expected:
      'Traceback (most recent call last):\n  File "<stdin>", line 1, in <module>\nLifetimeError: ctypes.cast(p, ctypes.POINTER(ctypes.c_int)) pointed into the temporary `a+b`, freed at the end of statement 5 (line 5: `p = (a+b).ctypes.data`)\n',
    // CPython reads the freed bytes (whatever they hold now); Stridescope's warning says which and what C read
    expectedLive:
      '^c_int\\(-?\\d+\\)\\n\\[stridescope\\] lifetime: ctypes\\.cast\\(\\.\\.\\.\\) reads 0x(?:[0-9a-f]+|ADDR), inside the temporary `a\\+b` \\(taken at statement 5: `p = \\(a\\+b\\)\\.ctypes\\.data`\\), freed at statement 5(; the allocator has since given these bytes to `\\w+`)?: C read [^\\n]+\\n$',
  },
  {
    id: 'safe',
    title: 'The safe spellings: c = a+b, ct = (a+b).ctypes',
    seed: 'You can avoid this problem using either c=a+b or ct=(a+b).ctypes. In the latter case, ct will hold a reference to the array until ct is deleted or re-assigned.',
    explain: 'The lifetime pane shows c and ct each holding their array.',
    pane: 'lifetime',
    model: 'LP64',
    setup: TEMP_SETUP,
    code: [
      'c = a+b',
      'ct = (a+b).ctypes',
      'ctypes.cast(c.ctypes.data, ctypes.POINTER(ctypes.c_int))[3]',
      'ctypes.cast(ct.data, ctypes.POINTER(ctypes.c_int))[2]',
    ],
    expected: '4\n3\n',
  },
  {
    id: 'no-ctypes',
    title: 'Without the ctypes module',
    seed: 'If the ctypes module is not available, then the ctypes attribute of array objects still returns something useful, but ctypes objects are not returned and errors may be raised instead.',
    explain:
      'NumPy 2 still gives data as an int and shape/strides as intp arrays; _as_parameter_ (which the page says returns the integer) raises.',
    pane: 'console',
    model: 'LP64',
    ctypes: false,
    setup: ['import numpy as np', 'x = np.array([[0, 1], [2, 3]], dtype=np.int32)'],
    code: [
      "x.ctypes.data == x.__array_interface__['data'][0]",
      'x.ctypes.shape',
      'x.ctypes.strides',
      'x.ctypes._as_parameter_',
    ],
    expected:
      "True\narray([2, 2])\narray([8, 4])\nTraceback (most recent call last):\n  File \"<stdin>\", line 1, in <module>\nAttributeError: 'NoneType' object has no attribute 'c_void_p'\n",
  },
];
