/**
 * Child process: open a path the way the app does and print how it ended as one JSON line. Run in a child so
 * that a regression that BLOCKS (open() of a fifo) is caught by the parent's hang guard instead of hanging
 * the test runner.   usage: openAny.ts <path> <open|raw|rawrw|map|source>
 */
import { StridescopeError } from '../../../src-main/core/errors';
import { openFileSource } from '../../../src-main/formats/fileSource';
import { openArrayFile } from '../../../src-main/formats/load';
import { mapFile } from '../../../src-main/platform/mappedMemory';

const [file, how] = process.argv.slice(2);
try {
  if (how === 'open') openArrayFile(file, {}, { mapper: mapFile }).close();
  else if (how === 'raw') openArrayFile(file, { raw: { dtype: '<f4', mode: 'r' } }, { mapper: mapFile }).close();
  else if (how === 'rawrw')
    openArrayFile(file, { raw: { dtype: '<f4', shape: [4], mode: 'r+' } }, { mapper: mapFile }).close();
  else if (how === 'map') mapFile(file, { offset: 0, length: 16, mode: 'r' }).release('done');
  else if (how === 'source') openFileSource(file).close();
  else throw new Error(`unknown mode ${how}`);
  console.log(JSON.stringify({ ok: true }));
} catch (e) {
  console.log(
    JSON.stringify({
      ok: false,
      typed: e instanceof StridescopeError,
      name: (e as Error).name,
      kind: (e as StridescopeError).kind,
      message: (e as Error).message,
    }),
  );
}
