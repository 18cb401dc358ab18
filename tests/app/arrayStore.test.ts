/**
 * The renderer's per-array store: state is keyed by what the array is (file and member, the example, a console
 * name), so reopening a file in the session finds its walk; patches touch one array only.
 */
import { describe, expect, it } from 'vitest';
import { arrayKey, initialPaneState, storeReducer, type StoreState } from '../../src-renderer/state/arrayStore';

const file = {
  id: 'a3',
  source: 'npy' as const,
  file: '/data/x.npy',
  label: 'x.npy',
  npz: null,
  ndim: 2,
  dataOffset: 128,
};

describe('arrayStore', () => {
  it('keys an array by its file, not by the id main gave this opening', () => {
    expect(arrayKey(file)).toBe(arrayKey({ ...file, id: 'a9' }));
    expect(arrayKey({ ...file, source: 'npz-member', npz: { member: 'b.npy', members: [] } })).not.toBe(
      arrayKey({ ...file, source: 'npz-member', npz: { member: 'c.npy', members: [] } }),
    );
    expect(arrayKey({ ...file, source: 'example', file: null })).toBe('example');
  });

  it('starts every expression field at x and patches one array at a time', () => {
    const init = initialPaneState(file);
    expect(init.walk.expression).toBe('x[:, ::-1]');
    expect(init.kernels.expression).toBe('x');
    let st: StoreState = { model: null, arrays: {} };
    st = storeReducer(st, { type: 'patch', key: 'k1', init, patch: () => ({ walk: { expression: 'x.T', step: 3 } }) });
    st = storeReducer(st, { type: 'patch', key: 'k2', init, patch: (p) => ({ cursor: (p.cursor ?? 0) + 4 }) });
    expect(st.arrays.k1.walk).toEqual({ expression: 'x.T', step: 3 });
    expect(st.arrays.k1.cursor).toBe(128);
    expect(st.arrays.k2.walk).toEqual(init.walk);
    expect(st.arrays.k2.cursor).toBe(132);
    expect(storeReducer(st, { type: 'model', model: 'llp64' }).model).toBe('llp64');
  });
});
