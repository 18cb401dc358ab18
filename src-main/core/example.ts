/**
 * The built-in example: the array of the seed page, `x = np.array([[0, 1], [2, 3]], dtype=np.int32)`.
 * The app opens on it and `stridescope inspect` with no FILE describes it.
 */
import { DType } from './dtype';
import { OwnedMemory } from './memory';
import { NDArray } from './ndarray';

export const EXAMPLE_LABEL = 'x = np.array([[0, 1], [2, 3]], dtype=np.int32)';

export function seedExample(): NDArray {
  const dtype = DType.parse('<i4');
  const memory = new OwnedMemory('x', new Uint8Array(new Int32Array([0, 1, 2, 3]).buffer));
  return new NDArray({ memory, dtype, shape: [2, 2], ownsData: true, label: 'x' });
}
