// `npm start`: the main job. Opens the desktop app on its built-in example (the seed page's 2x2 int32 array);
// where Electron cannot start (no binary, or no display), runs the `stridescope` CLI on the same example instead.
import { spawnSync } from 'node:child_process';
import { electronBinary } from './electronBinary.mjs';

const exe = electronBinary();
const hasDisplay = process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
const run = (cmd, args) => spawnSync(cmd, args, { stdio: 'inherit', shell: process.platform === 'win32' }).status ?? 1;

if (exe && hasDisplay && !process.argv.includes('--cli')) {
  process.exit(run('npx', ['electron-vite', 'preview']));
}
console.log(
  exe
    ? '(no display: showing the built-in example with the stridescope CLI instead of the window)\n'
    : '(Electron\'s binary is not installed on this machine, so the window cannot open: showing the built-in example with the stridescope CLI)\n',
);
let status = run(process.execPath, ['bin/stridescope.js', 'inspect']);
if (status === 0) {
  console.log('\n$ stridescope inspect --json   # the same, as scripts read it');
  status = run(process.execPath, ['bin/stridescope.js', 'inspect', '--json']);
}
process.exit(status);
