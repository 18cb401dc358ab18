"""
Stridescope's agent: runs inside the user's own Python (a child of Stridescope's main process) and makes it behave
like `python3 -i`, while telling Stridescope where every NumPy array lives.

Protocol (version 1): JSON lines. Requests arrive on stdin; answers leave on a private duplicate of the original
stdout (fd 1 itself is pointed at stderr, so C code that writes to fd 1 cannot corrupt the protocol). Every answer
carries the request's "id". Requests:
  {"op": "hello"}                                  -> versions, pid, data model
  {"op": "run", "source": TEXT, "silent": BOOL}    -> the REPL's inputs, each with its output, arrays, warnings
                                                      (silent: setup that does not count as statements)
  {"op": "read", "address": "0x..", "length": N}   -> bytes (base64) or {"error": "unmapped"}
  {"op": "arrays"}                                 -> the arrays report without running anything
An unsolicited {"event": "ready"} line is written once the agent is listening.

REPL semantics follow CPython's interactive loop (Python/pythonrun.c, PyRun_InteractiveLoopFlags): each input is
compiled with `compile(src, '<stdin>', 'single')`, expression statements echo through sys.displayhook, exceptions go
through sys.excepthook (so tracebacks are CPython's own PyErr_Display text) with sys.last_* set, and warnings use
the warnings module's default filters, so a warning at `<stdin>:1` prints once per message, as at the prompt.

Lifetime instrumentation (this process only): numpy's `_ctypes` helper (data, data_as, _as_parameter_, shape_as,
strides_as), `__array_interface__` reads in submitted code, ctypes.cast / addressof / string_at and
np.ctypeslib.as_array record which array every address came from; weakref.finalize records the statement at which
that array's buffer was freed. A pointer made or read into a freed buffer gets a lifetime warning naming the
temporary, the statement that freed it and the bytes there now (read without risking a fault: see `guarded_read`).
"""
import ast
import base64
import codeop
import ctypes
import errno
import io
import json
import os
import sys
import threading
import traceback
import types
import weakref

PROTOCOL_VERSION = 1
AGENT_FILE = os.path.abspath(__file__)
OUTPUT_CAP = int(os.environ.get("STRIDESCOPE_OUTPUT_CAP", str(1 << 20)))
MAX_ARRAYS = 500


# ---------------------------------------------------------------- process setup: pipes, limits


def _take_stdio():
    """Keep the protocol's fds private; the user's stdin reads /dev/null, fd 1 goes to stderr."""
    proto_out = os.fdopen(os.dup(1), "w", encoding="utf-8", newline="\n", buffering=1)
    proto_in = os.fdopen(os.dup(0), "r", encoding="utf-8", newline="\n")
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    os.dup2(2, 1)
    return proto_in, proto_out


def _apply_memory_limit():
    limit = os.environ.get("STRIDESCOPE_RLIMIT_AS")
    if not limit:
        return None
    try:
        import resource
    except ImportError:  # Windows: no RLIMIT_AS
        return "unsupported"
    n = int(limit)
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY and n > hard:
        n = hard
    resource.setrlimit(resource.RLIMIT_AS, (n, hard))
    return n


# ---------------------------------------------------------------- output: what the REPL would print, in order


class Transcript:
    """Everything the statement printed to sys.stdout and sys.stderr, in order, capped at OUTPUT_CAP bytes."""

    def __init__(self):
        self.parts = []
        self.size = 0
        self.cut = 0

    def add(self, stream, text):
        n = len(text.encode("utf-8", "surrogateescape"))
        room = OUTPUT_CAP - self.size
        if room <= 0:
            self.cut += n
            return
        if n > room:
            keep = text.encode("utf-8", "surrogateescape")[:room].decode("utf-8", "ignore")
            self.cut += n - len(keep.encode("utf-8"))
            text, n = keep, len(keep.encode("utf-8"))
        self.size += n
        if self.parts and self.parts[-1][0] == stream:
            self.parts[-1][1] += text
        else:
            self.parts.append([stream, text])


class CapturedStream(io.TextIOBase):
    def __init__(self, name, agent):
        self.name_ = name
        self.agent = agent

    @property
    def encoding(self):
        return "utf-8"

    @property
    def errors(self):
        return "backslashreplace" if self.name_ == "stderr" else "strict"

    def writable(self):
        return True

    def isatty(self):
        return False

    def write(self, s):
        if not isinstance(s, str):
            raise TypeError(f"write() argument must be str, not {type(s).__name__}")
        self.agent.transcript.add(self.name_, s)
        return len(s)

    def flush(self):
        pass


# ---------------------------------------------------------------- reading memory without faulting


class GuardedReader:
    """
    Reads this process's memory without ever faulting: the bytes are handed to the kernel with write(2) into a
    pipe, and the kernel answers EFAULT for an address that is not mapped readable (POSIX; Linux and macOS) instead
    of delivering SIGSEGV. Used when Stridescope cannot read this process from outside (ptrace_scope, macOS).
    """

    # one write(2) per chunk; the pipe must hold a whole chunk (Linux: 64 KiB by default, raised where allowed)
    CHUNK = 65536

    def __init__(self):
        self.libc = None
        if os.name == "posix":
            self.libc = ctypes.CDLL(None, use_errno=True)
            self.libc.write.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_size_t]
            self.libc.write.restype = ctypes.c_ssize_t
            self.r, self.w = os.pipe()
            try:
                import fcntl

                fcntl.fcntl(self.w, getattr(fcntl, "F_SETPIPE_SZ", 1031), 1 << 20)
                self.CHUNK = 1 << 20
            except (ImportError, OSError):
                self.CHUNK = 16384 if sys.platform == "darwin" else 65536

    def read(self, address, length):
        """(bytes, None) or (bytes read before the fault, "unmapped")."""
        if self.libc is None:
            return self._read_windows(address, length)
        out = bytearray()
        pos = address
        end = address + length
        while pos < end:
            n = min(self.CHUNK - (pos % self.CHUNK), end - pos)
            got = self.libc.write(self.w, ctypes.c_void_p(pos), n)
            if got < 0:
                if ctypes.get_errno() == errno.EFAULT:
                    return bytes(out), "unmapped"
                raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()))
            if got == 0:
                return bytes(out), "unmapped"
            out += os.read(self.r, got)
            pos += got
        return bytes(out), None

    def _read_windows(self, address, length):
        k32 = ctypes.windll.kernel32
        buf = ctypes.create_string_buffer(length)
        done = ctypes.c_size_t(0)
        ok = k32.ReadProcessMemory(k32.GetCurrentProcess(), ctypes.c_void_p(address), buf, length, ctypes.byref(done))
        return buf.raw[: done.value], (None if ok and done.value == length else "unmapped")


# ---------------------------------------------------------------- lifetimes: where every address came from


class Origin:
    """One buffer an address was taken from: the array that owns it, and when it was freed."""

    __slots__ = ("serial", "low", "high", "what", "taken_at", "taken_by", "freed_at", "owner_names")

    def __init__(self, serial, low, high, what, taken_at, taken_by):
        self.serial = serial
        self.low = low
        self.high = high
        self.what = what
        self.taken_at = taken_at
        self.taken_by = taken_by
        self.freed_at = None
        self.owner_names = []


class Lifetimes:
    def __init__(self, agent):
        self.agent = agent
        self.np = None
        self.serials = {}  # id(array) -> serial while alive
        self.next_serial = 1
        self.origins = {}  # serial of the owning object -> Origin
        self.values = []  # (int object, Origin): the exact int a `.ctypes.data` read returned
        self.freed = []  # serials freed during the current statement
        self.events = []  # lifetime warnings of the current statement
        self.reads = []  # pointer reads of the current statement: {"address": hex, "length": n}, first MAX_READS
        self.warned = set()

    MAX_READS = 16

    def note_read(self, address, length):
        """A read through a pointer (`.contents`, `p[i]`) succeeded: the panes light these bytes."""
        if len(self.reads) < self.MAX_READS and address > 0 and length > 0:
            self.reads.append({"address": hex(address), "length": length})

    def serial_of(self, obj):
        key = id(obj)
        s = self.serials.get(key)
        if s is None:
            s = self.next_serial
            self.next_serial += 1
            self.serials[key] = s
            try:
                weakref.finalize(obj, self._freed, key, s)
            except TypeError:
                pass  # not weak-referenceable (bytes): its lifetime is unknown, never reported as freed
        return s

    def _freed(self, key, serial):
        if self.serials.get(key) == serial:
            del self.serials[key]
        o = self.origins.get(serial)
        if o is not None:
            o.freed_at = self.agent.statement
            o.owner_names = []
        self.freed.append(serial)

    def owner_of(self, arr):
        """The object whose buffer `arr` views: the last ndarray of the base chain, or its non-array base."""
        np = self.np
        root = arr
        while isinstance(root.base, np.ndarray):
            root = root.base
        return root, root.base

    def record_array(self, arr, taken_by, value=None):
        """`value` (an int, or an address) was taken from `arr`'s data: remember the buffer it points into."""
        np = self.np
        root, base = self.owner_of(arr)
        owner = root if base is None else base
        serial = self.serial_of(owner)
        low, high = _byte_bounds(np, root)
        if base is None:
            low = root.__array_interface__["data"][0]
            high = low + root.nbytes
        o = self.origins.get(serial)
        if o is None or o.freed_at is not None:
            o = Origin(serial, low, high, self.agent.expression_for(taken_by), self.agent.statement, self.agent.current_source)
            self.origins[serial] = o
        if isinstance(value, int) and not isinstance(value, bool):
            self.values.append((value, o))
            if len(self.values) > 10000:
                del self.values[:5000]
        return o

    def origin_of(self, address, value=None):
        """The Origin an address came from: the exact int first, else a live buffer containing it, else a freed one."""
        if value is not None:
            for v, o in reversed(self.values):
                if v is value:
                    return o
        live = [o for o in self.origins.values() if o.freed_at is None and o.low <= address < max(o.high, o.low + 1)]
        if live:
            return live[-1]
        freed = [o for o in self.origins.values() if o.freed_at is not None and o.low <= address < max(o.high, o.low + 1)]
        return freed[-1] if freed else None

    def live_owner_at(self, address):
        """A live array (by name when it has one) whose buffer contains `address` now."""
        for name, arr in self.agent.named_arrays():
            lo, hi = _byte_bounds(self.np, arr)
            if lo <= address < hi:
                return name
        return None

    def check_pointer(self, address, value, how, nbytes, origin=None):
        """A pointer to `address` is made or read: warn when it points into a freed buffer."""
        if not isinstance(address, int) or address == 0:
            return
        o = origin if origin is not None else self.origin_of(address, value)
        if o is None or o.freed_at is None:
            return
        key = (o.serial, self.agent.statement, how)
        if key in self.warned:
            return
        if origin is not None and any(k[:2] == key[:2] for k in self.warned):
            return  # `cast(p, ...).contents`: the cast in this statement has warned about this buffer already
        self.warned.add(key)
        data, err = self.agent.reader.read(address, max(nbytes, 1))
        reused = self.live_owner_at(address)
        where = f"freed at statement {o.freed_at}"
        if reused:
            where += f"; the allocator has since given these bytes to `{reused}`"
        event = {
                "kind": "dangling",
                "statement": self.agent.statement,
                "how": how,
                "address": hex(address),
                "temporary": o.what,
                "takenAt": o.taken_at,
                "takenBy": o.taken_by,
                "freedAt": o.freed_at,
                "reusedBy": reused,
                "length": nbytes,
                "bytes": data.hex(),
                "unmapped": err == "unmapped",
                "message": (
                    f"{how} reads 0x{address:x}, inside {o.what} (taken at statement {o.taken_at}: `{o.taken_by}`), "
                    f"{where}: C read "
                    + ("unmapped memory" if err and not data else " ".join(f"{b:02x}" for b in data) + (" then unmapped" if err else ""))
                ),
            }
        self.events.append(event)
        # sent at once too: the statement may go on to read unmapped memory and kill the process before its report
        self.agent.send({"event": "lifetime", "warning": event})


def _byte_bounds(np, arr):
    try:
        from numpy.lib.array_utils import byte_bounds
    except ImportError:  # NumPy 1.x
        byte_bounds = np.byte_bounds
    lo, hi = byte_bounds(arr)
    return lo, hi


# ---------------------------------------------------------------- the agent


class Agent:
    def __init__(self, proto_in, proto_out):
        self.proto_in = proto_in
        self.proto_out = proto_out
        self.statement = 0
        self.current_source = ""
        self.current_tree = None
        self.transcript = Transcript()
        self.reader = GuardedReader()
        self.lifetimes = Lifetimes(self)
        self.running_user_code = False
        self.exit_requested = False
        self.np = None
        self.main = types.ModuleType("__main__")
        self.main.__dict__["__builtins__"] = __builtins__
        sys.modules["__main__"] = self.main
        self.compile_flags = 0  # __future__ features in force, as codeop.Compile remembers them
        self.stdout = CapturedStream("stdout", self)
        self.stderr = CapturedStream("stderr", self)
        self.lock = threading.Lock()

    # -- protocol

    def send(self, obj):
        obj["v"] = PROTOCOL_VERSION
        line = json.dumps(obj, ensure_ascii=False)
        self.proto_out.write(line + "\n")
        self.proto_out.flush()

    def serve(self):
        self.send({"event": "ready", "pid": os.getpid()})
        while True:
            try:
                line = self.proto_in.readline()
            except KeyboardInterrupt:
                continue  # a Stop that arrived between statements: nothing to stop
            if not line:
                return
            try:
                req = json.loads(line)
            except ValueError:
                self.send({"id": None, "error": "bad request: not JSON"})
                continue
            try:
                self.handle(req)
            except KeyboardInterrupt:
                self.send({"id": req.get("id"), "error": "interrupted while answering"})

    def handle(self, req):
        rid = req.get("id")
        op = req.get("op")
        if op == "hello":
            self.send({"id": rid, **self.hello()})
        elif op == "run":
            self.run(rid, str(req.get("source", "")), bool(req.get("silent")))
        elif op == "read":
            address = int(str(req["address"]), 0)
            length = int(req["length"])
            if length < 0 or length > (16 << 20):
                self.send({"id": rid, "error": "bad length"})
                return
            data, err = self.reader.read(address, length)
            self.send({"id": rid, "bytes": base64.b64encode(data).decode("ascii"), "error": err})
        elif op == "arrays":
            self.send({"id": rid, "arrays": self.report_arrays()})
        else:
            self.send({"id": rid, "error": f"unknown op {op!r}"})

    def hello(self):
        info = {
            "protocol": PROTOCOL_VERSION,
            "pid": os.getpid(),
            "python": sys.version.split()[0],
            "implementation": sys.implementation.name,
            "executable": sys.executable,
            "platform": sys.platform,
            "pointerSize": ctypes.sizeof(ctypes.c_void_p),
            "longSize": ctypes.sizeof(ctypes.c_long),
            "byteorder": sys.byteorder,
            "numpy": None,
            "memoryLimit": MEMORY_LIMIT,
            # an address surely mapped here (an object's id() is its address in CPython): proves direct reads work
            "probe": hex(id(self)),
        }
        try:
            import numpy as np

            info["numpy"] = np.__version__
            self.np = np
            self.lifetimes.np = np
            self.instrument(np)
        except Exception as e:  # no NumPy: the host says so and uses its simulation
            info["numpyError"] = f"{type(e).__name__}: {e}"
        info["model"] = {(8, 8): "lp64", (4, 8): "llp64", (4, 4): "ilp32"}.get((info["longSize"], info["pointerSize"]), "other")
        return info

    # -- the REPL

    def inputs(self, source):
        """Cut `source` into the inputs the interactive loop would read: (text, lines, code or exception)."""
        lines = source.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        i = 0
        while i < len(lines):
            buf = []
            while True:
                buf.append(lines[i])
                i += 1
                text = "\n".join(buf)
                if len(buf) == 1 and (not text.strip() or text.strip().startswith("#")):
                    yield text, 1, None, None  # the prompt just asks again
                    break
                try:
                    code = self.compile_input(text)
                except (SyntaxError, ValueError, OverflowError) as e:
                    yield text, len(buf), None, e
                    break
                if code is not None:
                    yield text, len(buf), code, None
                    break
                if i >= len(lines):
                    # EOF inside an unfinished block: the REPL compiles what it has
                    try:
                        code = self.compile_final(text)
                        yield text, len(buf), code, None
                    except SyntaxError as e:
                        yield text, len(buf), None, e
                    break

    def compile_input(self, source):
        """
        codeop._maybe_compile's test for unfinished input, without its warnings.catch_warnings(): entering that
        resets every module's warning registry (warnings._filters_mutated), so a warning would print again where
        the prompt prints it once. Trial compiles hide their SyntaxWarnings by swapping showwarning instead.
        Returns None while the input is unfinished.
        """
        import warnings

        trial = source
        if all(not ln.strip() or ln.strip().startswith("#") for ln in source.split("\n")):
            return None if source.strip() == "" else self.compile_final("pass")
        flags = self.compile_flags | codeop.PyCF_DONT_IMPLY_DEDENT | codeop.PyCF_ALLOW_INCOMPLETE_INPUT
        saved = warnings.showwarning
        warnings.showwarning = lambda *a, **k: None
        try:
            try:
                compile(trial, "<stdin>", "single", flags, True)
            except SyntaxError:
                try:
                    compile(trial + "\n", "<stdin>", "single", flags, True)
                    return None
                except SyntaxError as e:
                    if "incomplete input" in str(e):
                        return None
        finally:
            warnings.showwarning = saved
        return self.compile_final(source)

    def compile_final(self, source):
        # the interactive loop's tokenizer hands the parser the line with its newline (a SyntaxError's caret can
        # point just past the text)
        code = compile(source + "\n", "<stdin>", "single", self.compile_flags, True)
        import __future__

        for name in __future__.all_feature_names:
            f = getattr(__future__, name).compiler_flag
            if code.co_flags & f:
                self.compile_flags |= f
        return code

    def run(self, rid, source, silent=False):
        """Run the inputs of `source`; `silent`: the console's own setup (the seed's `x`), not counted as statements."""
        first = self.statement
        results = []
        for text, nlines, code, err in self.inputs(source.replace("\r\n", "\n")):
            if code is None and err is None:
                results.append({"source": text, "lines": nlines, "output": [], "blank": True})
                continue
            results.append(self.execute(text, nlines, code, err))
            if "exit" in results[-1]:
                break  # exit(): the prompt reads no further input
        if silent:
            self.statement = first
        self.send({"id": rid, "inputs": results, "arrays": self.report_arrays(), "origins": self.report_origins(), "statement": self.statement})
        if results and "exit" in results[-1]:
            self.proto_out.flush()
            sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
            raise SystemExit(results[-1]["exit"])

    def execute(self, text, nlines, code, err):
        self.statement += 1
        self.current_source = text
        self.current_tree = None
        self.transcript = Transcript()
        self.lifetimes.events = []
        self.lifetimes.freed = []
        self.lifetimes.reads = []
        saved = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = self.stdout, self.stderr
        exited = None
        raised = False
        try:
            if err is not None:
                raised = True
                self.show_exception(type(err), err, None)
            else:
                if "__array_interface__" in text:
                    code = self.instrumented(text, code)
                try:
                    self.running_user_code = True
                    exec(code, self.main.__dict__)
                except SystemExit as e:
                    self.exit_requested = True
                    exited = e.code
                    if exited is not None and not isinstance(exited, int):
                        self.transcript.add("stderr", f"{exited}\n")  # as Py_Exit prints a non-int code
                except BaseException as e:  # noqa: BLE001 - the REPL reports everything
                    self.running_user_code = False
                    raised = True
                    self.show_exception(type(e), e, e.__traceback__)
                finally:
                    self.running_user_code = False
        finally:
            sys.stdout, sys.stderr = saved
        t = self.transcript
        out = {
            "source": text,
            "lines": nlines,
            "statement": self.statement,
            "output": t.parts,
            "cut": t.cut,
            "raised": raised,
            "lifetime": self.lifetimes.events,
            "freed": self.lifetimes.freed,
            "reads": self.lifetimes.reads,
        }
        if exited is not None or self.exit_requested:
            out["exit"] = exited if isinstance(exited, int) else (0 if exited is None else 1)
            out["exitMessage"] = None if exited is None or isinstance(exited, int) else str(exited)
        return out

    def show_exception(self, etype, value, tb):
        """Print as the REPL does: through sys.excepthook, without this agent's own frames."""
        tb = _without_agent_frames(tb)
        if value is not None:
            value.__traceback__ = tb
        sys.last_type, sys.last_value, sys.last_traceback = etype, value, tb
        try:
            sys.excepthook(etype, value, tb)
        except BaseException:  # a broken user excepthook: CPython prints both
            sys.__excepthook__(etype, value, tb)

    # -- instrumentation of __array_interface__ reads in submitted code

    def instrumented(self, text, code):
        """Recompile `text` with each `X.__array_interface__` read recorded (positions kept, so errors read the same)."""
        try:
            tree = ast.parse(text + "\n", "<stdin>", "single")
        except SyntaxError:
            return code
        agent = self

        class Rewrite(ast.NodeTransformer):
            def visit_Attribute(self, node):
                self.generic_visit(node)
                if node.attr == "__array_interface__" and isinstance(node.ctx, ast.Load):
                    call = ast.Call(
                        func=ast.Name(id="__stridescope_array_interface__", ctx=ast.Load()),
                        args=[node.value],
                        keywords=[],
                    )
                    return ast.copy_location(call, node)
                return node

        tree = ast.fix_missing_locations(Rewrite().visit(tree))
        self.main.__dict__.setdefault("__builtins__", __builtins__)
        import builtins

        def array_interface(obj):
            r = obj.__array_interface__
            if agent.np is not None and isinstance(obj, agent.np.ndarray):
                d = r.get("data")
                agent.lifetimes.record_array(obj, "__array_interface__", d[0] if d else None)
            return r

        builtins.__stridescope_array_interface__ = array_interface
        try:
            return compile(tree, "<stdin>", "single", self.compile_flags, True)
        except SyntaxError:
            return code

    def expression_for(self, how):
        """The source text of the array a `.ctypes`/`__array_interface__` read was made on: "the temporary `a+b`"."""
        try:
            if self.current_tree is None:
                self.current_tree = ast.parse(self.current_source + "\n")
        except SyntaxError:
            return f"an array of statement {self.statement}"
        attr = "ctypes" if how != "__array_interface__" else "__array_interface__"
        found = []
        for node in ast.walk(self.current_tree):
            if isinstance(node, ast.Attribute) and node.attr == attr:
                seg = ast.get_source_segment(self.current_source + "\n", node.value)
                if seg:
                    found.append((seg, isinstance(node.value, ast.Name)))
        if len(found) == 1:
            seg, is_name = found[0]
            return f"array `{seg}`" if is_name else f"the temporary `{seg}`"
        return f"an array of statement {self.statement}"

    # -- instrumentation of numpy's _ctypes and ctypes

    def instrument(self, np):
        try:
            internal = np._core._internal
        except AttributeError:  # NumPy 1.x
            internal = np.core._internal
        cls = internal._ctypes
        lifetimes = self.lifetimes
        data_prop = cls.data

        def data(self):
            v = data_prop.fget(self)
            lifetimes.record_array(self._arr, "ctypes.data", v)
            return v

        cls.data = property(data, doc=data_prop.__doc__)

        orig_data_as = cls.data_as

        def data_as(self, obj):
            r = orig_data_as(self, obj)
            lifetimes.record_array(self._arr, "ctypes.data_as")
            return r

        data_as.__doc__ = orig_data_as.__doc__
        cls.data_as = data_as

        param_prop = cls._as_parameter_

        def as_parameter(self):
            r = param_prop.fget(self)
            lifetimes.record_array(self._arr, "ctypes._as_parameter_")
            return r

        cls._as_parameter_ = property(as_parameter, doc=param_prop.__doc__)
        for name in ("shape_as", "strides_as"):
            orig = getattr(cls, name)

            def wrapped(self, obj, _orig=orig, _name=name):
                r = _orig(self, obj)
                lifetimes.serial_of(self._arr)
                return r

            wrapped.__doc__ = orig.__doc__
            wrapped.__name__ = name
            setattr(cls, name, wrapped)

        orig_cast = ctypes.cast
        # pointer objects made from a bare address: id -> the Origin of that address when the pointer was made, so a
        # read through the pointer in a later statement (`q.contents`, `q[i]`) is checked against that buffer's life
        pointer_origins = {}

        def remember(ptr, origin):
            if origin is None or not isinstance(ptr, ctypes._Pointer):
                return
            key = id(ptr)
            try:
                weakref.finalize(ptr, pointer_origins.pop, key, None)
            except TypeError:
                return
            pointer_origins[key] = origin

        def cast(obj, typ):
            r = orig_cast(obj, typ)
            if isinstance(obj, int) and not isinstance(obj, bool):
                try:
                    size = ctypes.sizeof(typ._type_)
                except (AttributeError, TypeError):
                    size = 1
                lifetimes.check_pointer(obj, obj, "ctypes.cast(...)", size)
                remember(r, lifetimes.origin_of(obj, obj))
            elif isinstance(obj, ctypes._Pointer) and id(obj) in pointer_origins:
                remember(r, pointer_origins[id(obj)])
            return r

        cast.__doc__ = orig_cast.__doc__
        ctypes.cast = cast

        base_contents = ctypes._Pointer.__dict__["contents"]
        base_getitem = ctypes._Pointer.__getitem__

        def note_read(ptr, index):
            try:
                size = ctypes.sizeof(ptr._type_)
                address = orig_cast(ptr, ctypes.c_void_p).value or 0
            except (AttributeError, TypeError, ValueError):
                return
            lifetimes.note_read(address + index * size, size)

        def read_through(ptr, index, how):
            origin = pointer_origins.get(id(ptr))
            if origin is None or origin.freed_at is None:
                return
            try:
                size = ctypes.sizeof(ptr._type_)
            except (AttributeError, TypeError):
                size = 1
            address = orig_cast(ptr, ctypes.c_void_p).value or 0
            lifetimes.check_pointer(address + index * size, None, how, size, origin)

        def contents(self):
            read_through(self, 0, "pointer.contents")
            value = base_contents.__get__(self)
            note_read(self, 0)
            return value

        def set_contents(self, value):
            base_contents.__set__(self, value)

        def getitem(self, key):
            if isinstance(key, int):
                read_through(self, key, f"pointer[{key}]")
            value = base_getitem(self, key)
            if isinstance(key, int):
                note_read(self, key)
            return value

        hooked = weakref.WeakSet()
        orig_pointer_type = ctypes.POINTER

        def POINTER(cls):  # noqa: N802 - ctypes' name
            t = orig_pointer_type(cls)
            if t not in hooked:
                t.contents = property(contents, set_contents, doc=base_contents.__doc__)
                t.__getitem__ = getitem
                hooked.add(t)
            return t

        POINTER.__doc__ = orig_pointer_type.__doc__
        ctypes.POINTER = POINTER

        orig_addressof = ctypes.addressof

        def addressof(obj):
            a = orig_addressof(obj)
            base = getattr(obj, "_objects", None)
            if isinstance(base, dict):
                for v in base.values():
                    if isinstance(v, np.ndarray):
                        lifetimes.record_array(v, "ctypes.addressof", a)
            return a

        ctypes.addressof = addressof

        orig_string_at = ctypes.string_at

        def string_at(ptr, size=-1):
            if isinstance(ptr, int):
                lifetimes.check_pointer(ptr, ptr, "ctypes.string_at(...)", max(size, 1))
            return orig_string_at(ptr, size)

        ctypes.string_at = string_at

        ctl = np.ctypeslib
        orig_as_array = ctl.as_array

        def as_array(obj, shape=None):
            if isinstance(obj, ctypes._Pointer):
                addr = orig_cast(obj, ctypes.c_void_p).value or 0
                size = ctypes.sizeof(obj._type_) * (int(np.prod(shape)) if shape is not None else 1)
                lifetimes.check_pointer(addr, None, "np.ctypeslib.as_array(...)", size)
            return orig_as_array(obj, shape)

        as_array.__doc__ = orig_as_array.__doc__
        ctl.as_array = as_array

    # -- the arrays report

    def named_arrays(self):
        np = self.np
        if np is None:
            return []
        out = []
        for name, v in list(self.main.__dict__.items()):
            if name.startswith("_"):
                continue
            if isinstance(v, np.ndarray):
                out.append((name, v))
        return out

    def report_arrays(self):
        np = self.np
        if np is None:
            return []
        found = {}  # id -> [array, names]
        order = []

        def visit(obj, path, depth):
            if len(order) >= MAX_ARRAYS:
                return
            if isinstance(obj, np.ndarray):
                ent = found.get(id(obj))
                if ent is None:
                    ent = found[id(obj)] = [obj, []]
                    order.append(id(obj))
                    if isinstance(obj.base, np.ndarray):
                        visit(obj.base, None, depth)
                if path is not None and path not in ent[1]:
                    ent[1].append(path)
                return
            if depth >= 3:
                return
            if isinstance(obj, (list, tuple)):
                for i, v in enumerate(obj[:100]):
                    visit(v, f"{path}[{i}]" if path else None, depth + 1)
            elif isinstance(obj, dict):
                for i, (k, v) in enumerate(list(obj.items())[:100]):
                    visit(v, f"{path}[{k!r}]" if path else None, depth + 1)
            elif isinstance(obj, _ctypes_class(np)):
                visit(obj._arr, f"{path}._arr" if path else None, depth + 1)
            elif isinstance(obj, (ctypes._Pointer, ctypes.Array, ctypes.Structure)):
                arr = getattr(obj, "_arr", None)
                if arr is not None:
                    visit(arr, f"{path}._arr" if path else None, depth + 1)
                objs = getattr(obj, "_objects", None)
                if isinstance(objs, dict):
                    for v in objs.values():
                        if isinstance(v, np.ndarray):
                            visit(v, f"{path} (buffer)" if path else None, depth + 1)

        for name, v in list(self.main.__dict__.items()):
            if name.startswith("__"):
                continue
            visit(v, name, 0)
        reports = []
        for key in order:
            arr, names = found[key]
            reports.append(self.describe(arr, names))
        del found
        return reports

    def report_origins(self):
        """Buffers whose address was taken (`.ctypes.data`, `__array_interface__`, ...), live or freed: the newest 100."""
        out = []
        for o in list(self.lifetimes.origins.values())[-100:]:
            out.append(
                {
                    "serial": o.serial,
                    "address": hex(o.low),
                    "size": max(o.high - o.low, 0),
                    "what": o.what,
                    "takenAt": o.taken_at,
                    "takenBy": o.taken_by,
                    "freedAt": o.freed_at,
                }
            )
        return out

    def describe(self, arr, names):
        np = self.np
        # sys.getrefcount as `sys.getrefcount(x)` prints it at the prompt: taken before this function makes any
        # reference of its own (a flags object or a base chain walk holds the array); the references held here —
        # the caller's `found` entry and loop variable, this argument — are not the user's
        refcount = sys.getrefcount(arr) - 3
        ai = arr.__array_interface__
        root, base = self.lifetimes.owner_of(arr)
        lo, hi = _byte_bounds(np, arr)
        if base is None:
            buf_lo = root.__array_interface__["data"][0]
            buf_size = root.nbytes
            owner = {"kind": "ndarray", "serial": self.lifetimes.serial_of(root)}
        else:
            buf_lo, buf_hi = _byte_bounds(np, root)
            buf_size = buf_hi - buf_lo
            owner = {"kind": type(base).__name__, "serial": self.lifetimes.serial_of(base)}
        flags = arr.flags
        return {
            "serial": self.lifetimes.serial_of(arr),
            "names": names,
            "address": hex(ai["data"][0]),
            "readonly": bool(ai["data"][1]),
            "shape": list(arr.shape),
            "strides": list(arr.strides),
            "typestr": ai["typestr"],
            "descr": _json_descr(arr.dtype),
            "dtype": str(arr.dtype),
            "itemsize": arr.itemsize,
            "nbytes": arr.nbytes,
            "bounds": [hex(lo), hex(hi)],
            "buffer": {"address": hex(buf_lo), "size": buf_size},
            "base": self.lifetimes.serial_of(arr.base) if isinstance(arr.base, np.ndarray) else None,
            "baseType": None if arr.base is None else type(arr.base).__name__,
            "owner": owner,
            "flags": {
                "C_CONTIGUOUS": bool(flags.c_contiguous),
                "F_CONTIGUOUS": bool(flags.f_contiguous),
                "OWNDATA": bool(flags.owndata),
                "WRITEABLE": bool(flags.writeable),
                "ALIGNED": bool(flags.aligned),
                "WRITEBACKIFCOPY": bool(flags.writebackifcopy),
            },
            "refcount": refcount,
        }


def _json_descr(dt):
    """The dtype as np.lib.format writes it in a .npy header (dtype.str, or dtype.descr with tuples as lists)."""
    if dt.fields is None and dt.subdtype is None:
        return dt.str

    def lists(v):
        return [lists(x) for x in v] if isinstance(v, (list, tuple)) else v

    return lists(dt.descr)


def _ctypes_class(np):
    try:
        return np._core._internal._ctypes
    except AttributeError:
        return np.core._internal._ctypes


def _without_agent_frames(tb):
    """The traceback minus frames of this file (the exec call and the instrumentation wrappers)."""
    frames = []
    while tb is not None:
        if os.path.abspath(tb.tb_frame.f_code.co_filename) != AGENT_FILE:
            frames.append(tb)
        tb = tb.tb_next
    new = None
    for t in reversed(frames):
        new = types.TracebackType(new, t.tb_frame, t.tb_lasti, t.tb_lineno)
    return new


def _sigint(agent, frame):
    if agent.running_user_code:
        raise KeyboardInterrupt
    agent.pending_interrupt = True


MEMORY_LIMIT = None


def _session_main(proto_in, proto_out):
    """One console session: this process is the user's Python from here on."""
    global MEMORY_LIMIT
    import faulthandler
    import signal

    faulthandler.enable(file=sys.__stderr__, all_threads=False)
    MEMORY_LIMIT = _apply_memory_limit()
    if proto_in is None:
        proto_in, proto_out = _take_stdio()
    agent = Agent(proto_in, proto_out)
    signal.signal(signal.SIGINT, lambda s, f: _sigint(agent, f))
    # the banner-less interactive prompt's flags: `python3 -i` has sys.flags.interactive; __main__ is the user's
    sys.ps1, sys.ps2 = ">>> ", "... "
    agent.serve()


# ---------------------------------------------------------------- the fork server (POSIX)
#
# Importing NumPy costs most of a session's start (~0.2 s idle, seconds on a loaded machine). With `--zygote` this
# file becomes a fork server: it imports NumPy once, then forks one child per console session on request. Each
# child is a new process (its own pid, address space, __main__, warning registries, signal handlers, RLIMIT_AS)
# that becomes the agent above; only the already-imported modules are shared, copy-on-write. Control protocol on
# the zygote's stdin/stdout, JSON lines:
#   {"op": "fork", "id": N, "socket": PATH, "token": T, "cwd": DIR, "env": {...}}  -> {"id": N, "pid": PID}
#   unsolicited: {"event": "ready"} once, {"event": "exit", "pid": PID, "code": C, "signal": NAME} per child
# The child connects to the Unix socket PATH twice, writing "T proto" and "T stderr" lines: the first carries the
# agent's protocol, the second becomes its fds 1 and 2 (tracebacks of a dying process, faulthandler).


class _BecomeSession(Exception):
    """Raised in a freshly forked child to unwind the zygote's loop before the session starts."""

    def __init__(self, request):
        super().__init__()
        self.request = request


def _zygote_serve():
    import select
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C in a terminal reaches the process group: not ours
    try:
        import numpy  # noqa: F401 - the point of the zygote: paid once, shared by every fork
    except Exception:  # noqa: BLE001 - each child's hello reports it again, as a spawned agent would
        pass
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    signal.signal(signal.SIGCHLD, lambda s, f: None)
    signal.set_wakeup_fd(wake_w)
    ctl_out = os.fdopen(os.dup(1), "w", encoding="utf-8", newline="\n", buffering=1)

    def send(obj):
        ctl_out.write(json.dumps(obj) + "\n")
        ctl_out.flush()

    def reap():
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            sig = None
            if os.WIFSIGNALED(status):
                try:
                    sig = signal.Signals(os.WTERMSIG(status)).name
                except ValueError:
                    sig = f"signal {os.WTERMSIG(status)}"
            send({"event": "exit", "pid": pid, "code": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None, "signal": sig})

    send({"event": "ready", "pid": os.getpid()})
    pending = b""
    while True:
        try:
            readable, _, _ = select.select([0, wake_r], [], [])
        except InterruptedError:
            continue
        if wake_r in readable:
            try:
                os.read(wake_r, 4096)
            except BlockingIOError:
                pass
            reap()
        if 0 not in readable:
            continue
        chunk = os.read(0, 65536)
        if not chunk:
            return  # Stridescope closed the control pipe: the children see their own sockets close
        pending += chunk
        while b"\n" in pending:
            line, pending = pending.split(b"\n", 1)
            try:
                req = json.loads(line)
            except ValueError:
                continue
            if req.get("op") != "fork":
                send({"id": req.get("id"), "error": f"unknown op {req.get('op')!r}"})
                continue
            try:
                pid = os.fork()
            except OSError as e:
                send({"id": req.get("id"), "error": f"fork failed: {e}"})
                continue
            if pid == 0:
                signal.set_wakeup_fd(-1)
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                os.close(wake_r)
                os.close(wake_w)
                ctl_out.close()
                raise _BecomeSession(req)
            send({"id": req.get("id"), "pid": pid})


def _forked_session(req):
    """In the forked child: connect to Stridescope, take over fds 0-2, then be the agent."""
    global OUTPUT_CAP
    import signal
    import socket

    signal.signal(signal.SIGINT, signal.default_int_handler)

    def connect(kind):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(req["socket"])
        s.sendall(f"{req['token']} {kind}\n".encode("ascii"))
        return s

    proto = connect("proto")
    err = connect("stderr")
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)  # the zygote's control pipe is not this process's business
    os.close(devnull)
    os.dup2(err.fileno(), 2)
    os.dup2(err.fileno(), 1)
    err.close()
    proto_in = os.fdopen(os.dup(proto.fileno()), "r", encoding="utf-8", newline="\n")
    proto_out = os.fdopen(os.dup(proto.fileno()), "w", encoding="utf-8", newline="\n", buffering=1)
    proto.close()
    env = req.get("env") or {}
    for k, v in env.items():
        os.environ[k] = v
    OUTPUT_CAP = int(os.environ.get("STRIDESCOPE_OUTPUT_CAP", str(1 << 20)))
    if req.get("cwd"):
        os.chdir(req["cwd"])
    sys.argv[:] = [sys.argv[0]]
    _session_main(proto_in, proto_out)


if __name__ == "__main__":
    if sys.argv[1:] == ["--zygote"]:
        request = None
        try:
            _zygote_serve()
        except _BecomeSession as child:
            request = child.request  # the session runs outside the except block: no stale exception context
        if request is not None:
            _forked_session(request)
    else:
        _session_main(None, None)
