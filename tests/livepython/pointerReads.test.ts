/** The agent's pointer reads are the child's word: main keeps only well-formed ones, and at most 16. */
import { describe, expect, it } from 'vitest';
import { MAX_POINTER_READ_BYTES, MAX_POINTER_READS, pointerReadsOf } from '../../src-main/livepython/protocol';

describe('pointer reads reported by the agent', () => {
  it('keeps hex addresses with a length of 1..4096 bytes', () => {
    expect(pointerReadsOf([{ address: '0x7f00', length: 8 }])).toEqual([{ address: 0x7f00n, length: 8 }]);
    expect(pointerReadsOf([{ address: '0xffffffffffffffff', length: MAX_POINTER_READ_BYTES }])).toEqual([
      { address: 0xffffffffffffffffn, length: 4096 },
    ]);
  });
  it('drops what is not a read: bad addresses, lengths, shapes', () => {
    const bad: unknown[] = [
      null,
      7,
      { address: 4096, length: 4 },
      { address: '4096', length: 4 },
      { address: '0x', length: 4 },
      { address: '0x1ffffffffffffffff', length: 4 },
      { address: '0xABC', length: 4 },
      { address: '0x10', length: 0 },
      { address: '0x10', length: -4 },
      { address: '0x10', length: 1.5 },
      { address: '0x10', length: MAX_POINTER_READ_BYTES + 1 },
      { address: '0x10', length: '4' },
    ];
    expect(pointerReadsOf(bad)).toEqual([]);
    expect(pointerReadsOf('0x10')).toEqual([]);
    expect(pointerReadsOf(undefined)).toEqual([]);
  });
  it('keeps at most the first 16', () => {
    const many = Array.from({ length: 100 }, (_, i) => ({ address: `0x${(0x1000 + 4 * i).toString(16)}`, length: 4 }));
    const kept = pointerReadsOf(many);
    expect(kept.length).toBe(MAX_POINTER_READS);
    expect(kept[15].address).toBe(0x1000n + 60n);
  });
});
