/**
 * Runs @doyensec/electronegativity (its programmatic API: require('@doyensec/electronegativity')(options)) over
 * each path given and prints one JSON line per path with its findings and parse errors.
 *
 * One fix-up: the scanner's TypeScript parser (@typescript-eslint/typescript-estree, hoisted to the top-level
 * node_modules) requires 'typescript', which resolves to the project's TypeScript 7 (the native port, without the
 * JavaScript compiler API) and crashes on load. The scanner ships its own TypeScript 4.2 in its node_modules;
 * requests for 'typescript' from @typescript-eslint are pointed there.
 */
const Module = require('node:module');
const path = require('node:path');

const EN = path.dirname(require.resolve('@doyensec/electronegativity/package.json'));
const nestedTs = path.join(EN, 'node_modules', 'typescript');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
  if (request === 'typescript' && parent && /[\\/]@typescript-eslint[\\/]/.test(parent.filename))
    return resolve.call(this, nestedTs, parent, ...rest);
  return resolve.call(this, request, parent, ...rest);
};
const run = require('@doyensec/electronegativity');
const electronVersion = require('electron/package.json').version;

(async () => {
  for (const input of process.argv.slice(2)) {
    const r = await run({ input, isRelative: true, electronVersionOverride: electronVersion });
    const findings = r.issues.map((i) => ({
      id: i.id,
      severity: i.severity.name,
      confidence: i.confidence.name,
      file: i.file,
      line: i.location.line,
      column: i.location.column,
      manualReview: !!i.manualReview,
      description: i.description,
    }));
    process.stdout.write(
      '\n@@RESULT ' +
        JSON.stringify({ input, checks: r.globalChecks + r.atomicChecks, errors: r.errors, findings }) +
        '\n',
    );
  }
  process.exit(0);
})().catch((e) => {
  console.error(e);
  process.exit(3);
});
