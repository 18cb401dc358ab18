/**
 * The agent's array reports as NDArrays over the child's memory, so every pane that shows a file's array shows
 * a console array the same way.
 *
 * One ProcessMemory per buffer (the owning array's data, or the byte bounds of a foreign buffer such as a
 * bytes object or an mmap); each reported array is an NDArray on it at (its address − the buffer's address) with
 * the reported shape, strides and dtype. Views keep their base (the owner's NDArray), as NumPy collapses chains.
 * Read-only here, whatever Python's WRITEABLE flag says: Python writes its own memory.
 */
import { DType, type Descr } from '../core/dtype';
import { NDArray } from '../core/ndarray';
import { ProcessMemory, type ProcessReader } from '../platform/processMemory';
import type { AgentArrayReport } from './protocol';

export interface LiveArray {
  report: AgentArrayReport;
  array: NDArray;
  /** the name shown for it: the first name it is bound to, else `array #serial` */
  name: string;
}

const hexToBig = (h: string): bigint => BigInt(h);

export function dtypeOf(r: AgentArrayReport): DType {
  return typeof r.descr === 'string' ? DType.parse(r.descr) : DType.fromDescr(r.descr as Descr);
}

/**
 * NDArrays for `reports` over `reader`. `memories` carries buffers across statements (same address and size, same
 * owner serial → same ProcessMemory); buffers no longer reported are released with `releasedBy`.
 */
export function liveArrays(
  reports: AgentArrayReport[],
  reader: ProcessReader,
  memories: Map<string, ProcessMemory>,
  releasedBy: string,
): { arrays: LiveArray[]; errors: string[] } {
  const seen = new Set<string>();
  const arrays: LiveArray[] = [];
  const errors: string[] = [];
  const bySerial = new Map<number, NDArray>();
  // owners before views: a report's base serial may come later in the list
  const ordered = [...reports].sort((a, b) => Number(a.base !== null) - Number(b.base !== null));
  for (const r of ordered) {
    const name = r.names[0] ?? `array #${r.serial}`;
    try {
      const bufAddress = hexToBig(r.buffer.address);
      const key = `${r.owner.serial}:${r.buffer.address}:${r.buffer.size}`;
      let mem = memories.get(key);
      if (!mem || !mem.alive) {
        mem = new ProcessMemory(`${name} (Python, pid ${reader.pid})`, bufAddress, r.buffer.size, reader);
        memories.set(key, mem);
      }
      seen.add(key);
      const offset = Number(hexToBig(r.address) - bufAddress);
      const base = r.base !== null ? (bySerial.get(r.base) ?? null) : null;
      const array = new NDArray({
        memory: mem,
        dtype: dtypeOf(r),
        shape: r.shape,
        strides: r.strides,
        offset,
        base,
        writeable: false,
        ownsData: r.flags.OWNDATA,
        label: name,
        // a broadcast or as_strided view may reach outside its buffer's bounds as NumPy computed them: each read
        // is still checked (and an unmapped one is an UnmappedError)
        mayExceedMemory: true,
      });
      bySerial.set(r.serial, array);
      arrays.push({ report: r, array, name });
    } catch (e) {
      errors.push(`${name}: ${(e as Error).message}`);
    }
  }
  for (const [key, mem] of [...memories]) {
    if (seen.has(key)) continue;
    mem.release(releasedBy);
    memories.delete(key);
  }
  return { arrays, errors };
}
