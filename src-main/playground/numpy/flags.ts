/**
 * `x.flags`: NumPy's flagsobj over a core NDArray (C_CONTIGUOUS, F_CONTIGUOUS, OWNDATA, WRITEABLE, ALIGNED, ...), by
 * attribute and by key, printed as NumPy prints it.
 */
import { NDArray } from '../../core/ndarray';
import { PyException } from '../runtime/errors';
import { PyObject, type Ctx, type PyValue } from '../runtime/objects';

export class PyFlags extends PyObject {
  constructor(readonly arr: NDArray) {
    super();
  }
  get typeName(): string {
    return 'numpy._core.multiarray.flagsobj';
  }
  private get values(): Record<string, boolean> {
    const f = this.arr.flags;
    return {
      C_CONTIGUOUS: f.C_CONTIGUOUS,
      F_CONTIGUOUS: f.F_CONTIGUOUS,
      OWNDATA: f.OWNDATA,
      WRITEABLE: f.WRITEABLE,
      ALIGNED: f.ALIGNED,
      WRITEBACKIFCOPY: false,
    };
  }
  override repr(): string {
    return (
      Object.entries(this.values)
        .map(([k, v]) => `  ${k} : ${v ? 'True' : 'False'}`)
        .join('\n') + '\n'
    );
  }
  private lookup(name: string): boolean | undefined {
    const v = this.values;
    const aliases: Record<string, string> = {
      c_contiguous: 'C_CONTIGUOUS',
      C: 'C_CONTIGUOUS',
      CONTIGUOUS: 'C_CONTIGUOUS',
      f_contiguous: 'F_CONTIGUOUS',
      F: 'F_CONTIGUOUS',
      FORTRAN: 'F_CONTIGUOUS',
      owndata: 'OWNDATA',
      O: 'OWNDATA',
      writeable: 'WRITEABLE',
      W: 'WRITEABLE',
      aligned: 'ALIGNED',
      A: 'ALIGNED',
      writebackifcopy: 'WRITEBACKIFCOPY',
      X: 'WRITEBACKIFCOPY',
    };
    const own = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);
    const key = own(v, name) ? name : own(aliases, name) ? aliases[name] : undefined;
    return key ? v[key] : undefined;
  }
  override getattr(name: string, ctx: Ctx): PyValue {
    const v = this.lookup(name);
    if (v !== undefined && name === name.toLowerCase()) return v;
    if (name === 'fnc') return this.values.F_CONTIGUOUS && !this.values.C_CONTIGUOUS;
    if (name === 'forc') return this.values.F_CONTIGUOUS || this.values.C_CONTIGUOUS;
    return super.getattr(name, ctx);
  }
  override getitem(key: PyValue): PyValue {
    const v = typeof key === 'string' ? this.lookup(key) : undefined;
    if (v === undefined) throw new PyException('KeyError', `Unknown flag`);
    return v;
  }
}
