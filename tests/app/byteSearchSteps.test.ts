/**
 * searchBytes runs off main's event loop in steps (api/byteSearch's searchByteSpaceAsync): whatever the step, the
 * answer is the one-call search's (searchByteSpace), at the start and end of the space, across step edges, forward
 * and backward, with value searches' element filter, and at the LIMITS.maxSearchBytes edge.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { searchByteSpace, searchByteSpaceAsync, type SearchSpace } from '../../src-main/api/byteSearch';
import { LIMITS, type ByteSearchRequest } from '../../src-main/api/contract';
import { DType } from '../../src-main/core/dtype';

function space(bytes: Uint8Array, dtype = '<i2', dataOffset = 0): SearchSpace {
  return {
    size: bytes.length,
    read: (off, n) => bytes.slice(off, off + n),
    dataOffset,
    dataEnd: bytes.length,
    dtype: DType.parse(dtype),
  };
}

describe('searchByteSpaceAsync answers what searchByteSpace answers', () => {
  it('random spaces, patterns, starts, directions and steps', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 0, maxLength: 300 }).map((b) => b.map((x) => x % 3)),
        fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 3 }),
        fc.nat(320),
        fc.constantFrom('forward', 'backward'),
        fc.integer({ min: 1, max: 40 }),
        fc.constantFrom('hex', 'value'),
        async (bytes, pat, from, direction, stepBytes, mode) => {
          const query = mode === 'hex' ? pat.map((x) => `0${x}`).join(' ') : String(pat[0]);
          const req: ByteSearchRequest = { id: 'a1', mode, query, from, direction };
          const s = space(bytes, '<i2', 3);
          expect(await searchByteSpaceAsync(s, req, { stepBytes })).toEqual(searchByteSpace(s, req));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('the LIMITS.maxSearchBytes edge, both directions', async () => {
    const size = LIMITS.maxSearchBytes + 5 * 1024 * 1024;
    const zeros: SearchSpace = {
      size,
      read: (off, n) => new Uint8Array(Math.max(0, Math.min(n, size - off))),
      dataOffset: 0,
      dataEnd: size,
      dtype: DType.parse('|u1'),
    };
    for (const [from, direction] of [
      [1000, 'forward'],
      [size - 1000, 'backward'],
      [3, 'backward'],
    ] as const) {
      const req: ByteSearchRequest = { id: 'a1', mode: 'hex', query: 'ff', from, direction };
      expect(await searchByteSpaceAsync(zeros, req, { stepBytes: 8 * 1024 * 1024 })).toEqual(
        searchByteSpace(zeros, req),
      );
    }
  }, 60_000);

  it('cancelled between steps', async () => {
    const abort = new AbortController();
    abort.abort();
    const req: ByteSearchRequest = { id: 'a1', mode: 'hex', query: 'ff', from: 0, direction: 'forward' };
    await expect(
      searchByteSpaceAsync(space(new Uint8Array(100)), req, { stepBytes: 10, signal: abort.signal }),
    ).rejects.toMatchObject({ kind: 'cancelled' });
  });
});
