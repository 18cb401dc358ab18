/**
 * The agent's protocol (python/agent.py, version 1): the shapes of its JSON lines, as main reads them.
 * Everything read from the child is checked by `agentClient` before use: the child runs the user's code.
 */
export const PROTOCOL_VERSION = 1;

export interface AgentHello {
  protocol: number;
  pid: number;
  python: string;
  implementation: string;
  executable: string;
  platform: string;
  pointerSize: number;
  longSize: number;
  byteorder: 'little' | 'big';
  numpy: string | null;
  numpyError?: string;
  memoryLimit: number | 'unsupported' | null;
  probe: string;
  model: 'lp64' | 'llp64' | 'ilp32' | 'other';
}

/** A lifetime warning: a pointer made or read into a buffer Python freed. */
export interface AgentLifetimeWarning {
  kind: 'dangling';
  statement: number;
  how: string;
  address: string;
  temporary: string;
  takenAt: number;
  takenBy: string;
  freedAt: number;
  reusedBy: string | null;
  length: number;
  /** hex of the bytes at the address when the warning was made */
  bytes: string;
  unmapped: boolean;
  message: string;
}

/** A read through a pointer, as main keeps it once validated. */
export interface PointerReadAt {
  address: bigint;
  length: number;
}

export const MAX_POINTER_READS = 16;
/** the widest C type a pointer reads (a long double, a small struct); wider claims are not believed */
export const MAX_POINTER_READ_BYTES = 4096;

/** The reads an agent reported, kept only where they are what the protocol says (the child is not trusted). */
export function pointerReadsOf(raw: unknown): PointerReadAt[] {
  if (!Array.isArray(raw)) return [];
  const out: PointerReadAt[] = [];
  for (const r of raw.slice(0, MAX_POINTER_READS)) {
    const rec = r as { address?: unknown; length?: unknown } | null;
    if (!rec || typeof rec.address !== 'string' || !/^0x[0-9a-f]{1,16}$/.test(rec.address)) continue;
    if (
      typeof rec.length !== 'number' ||
      !Number.isSafeInteger(rec.length) ||
      rec.length < 1 ||
      rec.length > MAX_POINTER_READ_BYTES
    )
      continue;
    out.push({ address: BigInt(rec.address), length: rec.length });
  }
  return out;
}

/** One input as the interactive loop read it, and what it printed. */
export interface AgentInput {
  source: string;
  /** lines the input took (the prompt printed `>>> ` then `... ` for each further line) */
  lines: number;
  /** an empty or comment-only line: the prompt just asks again */
  blank?: boolean;
  statement?: number;
  /** [stream, text] in the order printed */
  output: ['stdout' | 'stderr', string][];
  /** bytes of output past the cap, not kept */
  cut?: number;
  /** the input raised (a traceback or SyntaxError was printed) */
  raised?: boolean;
  lifetime?: AgentLifetimeWarning[];
  freed?: number[];
  /** reads through pointers (`.contents`, `p[i]`) that succeeded: hex address and bytes read (first 16) */
  reads?: { address: string; length: number }[];
  /** SystemExit: the code; the agent exits after answering */
  exit?: number;
  exitMessage?: string | null;
}

export interface AgentArrayReport {
  serial: number;
  names: string[];
  address: string;
  readonly: boolean;
  shape: number[];
  strides: number[];
  typestr: string;
  descr: string | unknown[];
  dtype: string;
  itemsize: number;
  nbytes: number;
  bounds: [string, string];
  /** the allocation the array views: the owning array's data, or the byte bounds over a foreign buffer */
  buffer: { address: string; size: number };
  base: number | null;
  baseType: string | null;
  owner: { kind: string; serial: number };
  flags: Record<'C_CONTIGUOUS' | 'F_CONTIGUOUS' | 'OWNDATA' | 'WRITEABLE' | 'ALIGNED' | 'WRITEBACKIFCOPY', boolean>;
  refcount: number;
}

/** A buffer whose address Python code took (the lifetime instrumentation's record), live or freed. */
export interface AgentOrigin {
  serial: number;
  address: string;
  size: number;
  what: string;
  takenAt: number;
  takenBy: string;
  freedAt: number | null;
}

export interface AgentRunReply {
  inputs: AgentInput[];
  arrays: AgentArrayReport[];
  origins?: AgentOrigin[];
  statement: number;
}
