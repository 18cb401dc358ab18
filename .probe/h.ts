import { createHandlers } from '../src-main/api/handlers';
const h = createHandlers();
const which = process.argv[2];
(async () => {
  const ex = await h.openExample();
  const id = (ex as any).value?.id ?? (ex as any).data?.id;
  console.log(JSON.stringify(ex).slice(0, 100), id);
  const t0 = Date.now();
  let r;
  if (which === 'sum') r = await h.runKernel(id, 'sum', 'np.lib.stride_tricks.as_strided(a, shape=(9007199254740991,), strides=(0,))');
  if (which === 'sum2') r = await h.runKernel(id, 'sum', 'np.lib.stride_tricks.as_strided(a, shape=(100000000,), strides=(0,))');
  if (which === 'copy') r = await h.evalView(id, 'np.broadcast_to(a.view(np.uint8), (60000000, 16)).copy()');
  if (which === 'walk') r = await h.walk(id, 'np.lib.stride_tricks.as_strided(a, shape=(9007199254740991,9007199254740991), strides=(0,0))', 9007199254740990, 4096);
  console.log(which, Date.now() - t0, 'ms', JSON.stringify(r).slice(0, 300));
})();
