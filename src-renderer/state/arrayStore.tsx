/**
 * One shared, persistent state per open array — what each pane was doing with it (walk expression and step,
 * kernel runs, the Reinterpret offset, cursor and selection) — plus the one data-model setting Reinterpret, the
 * console and the Tour share. Panes unmount on every tab switch; their state lives here, so switching back finds
 * it where it was, and a kernel call still running finishes into the store whether or not its pane is shown.
 *
 * Keyed by what the array IS (its file and .npz member, the example, a console name), not by main's id: closing
 * and reopening a file in the session gets a new id but finds its walk where it was.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useReducer, useRef, type ReactNode } from 'react';
import type { ApiError, ArraySummary, CTypeName, DataModelId, KernelRun } from '@contract';
import { call } from '../app/api';

/** The example's name in the seed, and the name every expression field starts with (`a` stays an alias). */
export const EXAMPLE_NAME = 'x';

export interface KernelRecord {
  kernel: string;
  expression: string;
  state: 'running' | 'done' | 'failed';
  run: KernelRun | null;
  error: ApiError | null;
  startedAt: number;
}

export interface ByteRange {
  from: number;
  /** exclusive */
  to: number;
}

export interface ArrayPaneState {
  /** `requested` changes when something other than the Walk pane (the Tour) asks it to show `expression`. */
  walk: { expression: string; step: number; requested?: number };
  kernels: { kernel: string; expression: string; last: KernelRecord | null };
  /** Reinterpret's pointer form: `x.ctypes.data_as(POINTER(ctype))[index]` (its offset is the shared cursor) */
  reinterpret: { ctype: CTypeName; index: number; expression: string };
  /** The shared byte cursor (a file offset), null = none yet. */
  cursor: number | null;
  selection: ByteRange | null;
  /** The bytes C read in this array in the console's last statement that read memory (`.contents`, `p[i]`). */
  reads: ByteRange[];
}

/** Most pointer reads lit at once (main reports at most 16 a statement). */
export const MAX_READS_LIT = 16;

export interface StoreState {
  /** The data model Reinterpret, the console and the Tour agree on; null = the platform's own. */
  model: DataModelId | null;
  arrays: Record<string, ArrayPaneState>;
}

/** What identifies an array across close and reopen in one session. */
export function arrayKey(s: Pick<ArraySummary, 'id' | 'source' | 'file' | 'label' | 'npz'>): string {
  if (s.source === 'example') return 'example';
  if (s.source === 'playground') return `console:${s.label}`;
  if (s.file) return `file:${s.file}${s.npz ? `::${s.npz.member}` : ''}`;
  return `id:${s.id}`;
}

export function initialPaneState(s: Pick<ArraySummary, 'ndim' | 'dataOffset'>): ArrayPaneState {
  return {
    walk: {
      expression: s.ndim >= 2 ? `${EXAMPLE_NAME}[:, ::-1]` : s.ndim === 1 ? `${EXAMPLE_NAME}[::-1]` : EXAMPLE_NAME,
      step: 0,
    },
    kernels: { kernel: 'sum', expression: EXAMPLE_NAME, last: null },
    reinterpret: { ctype: 'c_long', index: 0, expression: EXAMPLE_NAME },
    cursor: s.dataOffset,
    selection: null,
    reads: [],
  };
}

type Action =
  | { type: 'patch'; key: string; init: ArrayPaneState; patch: (p: ArrayPaneState) => Partial<ArrayPaneState> }
  | { type: 'model'; model: DataModelId | null };

export function storeReducer(state: StoreState, action: Action): StoreState {
  switch (action.type) {
    case 'model':
      return state.model === action.model ? state : { ...state, model: action.model };
    case 'patch': {
      const cur = state.arrays[action.key] ?? action.init;
      const next = { ...cur, ...action.patch(cur) };
      return { ...state, arrays: { ...state.arrays, [action.key]: next } };
    }
  }
}

export interface ArrayStore {
  state: StoreState;
  /** The state of one array (its defaults until a pane changes something). */
  pane(s: ArraySummary): ArrayPaneState;
  update(s: ArraySummary, patch: (p: ArrayPaneState) => Partial<ArrayPaneState>): void;
  setModel(model: DataModelId | null): void;
  /** Run a kernel; the answer lands in the store even when the Kernels pane is no longer shown. */
  runKernel(s: ArraySummary, kernel: string, expression: string): Promise<void>;
}

/** The store itself: App creates it once (and reads the remembered cursor on reopen), the panes use it via context. */
export function useArrayStoreRoot(): ArrayStore {
  const [state, dispatch] = useReducer(storeReducer, { model: null, arrays: {} });
  const stateRef = useRef(state);
  useEffect(() => {
    stateRef.current = state;
  }, [state]);
  const pane = useCallback((s: ArraySummary) => stateRef.current.arrays[arrayKey(s)] ?? initialPaneState(s), []);
  const update = useCallback(
    (s: ArraySummary, patch: (p: ArrayPaneState) => Partial<ArrayPaneState>) =>
      dispatch({ type: 'patch', key: arrayKey(s), init: initialPaneState(s), patch }),
    [],
  );
  const setModel = useCallback((model: DataModelId | null) => dispatch({ type: 'model', model }), []);
  const runKernel = useCallback(
    async (s: ArraySummary, kernel: string, expression: string) => {
      const startedAt = performance.now();
      update(s, (p) => ({
        kernels: {
          ...p.kernels,
          kernel,
          expression,
          last: { kernel, expression, state: 'running', run: null, error: null, startedAt },
        },
      }));
      const r = await call((api) => api.runKernel(s.id, kernel, expression));
      const done: KernelRecord = r.ok
        ? { kernel, expression, state: 'done', run: r.value, error: null, startedAt }
        : { kernel, expression, state: 'failed', run: null, error: r.error, startedAt };
      // only the latest run answers (a newer Run replaced this one's record)
      update(s, (p) => (p.kernels.last?.startedAt === startedAt ? { kernels: { ...p.kernels, last: done } } : {}));
    },
    [update],
  );
  return useMemo(() => ({ state, pane, update, setModel, runKernel }), [state, pane, update, setModel, runKernel]);
}

const StoreContext = createContext<ArrayStore | null>(null);

export function ArrayStoreProvider({ store, children }: { store: ArrayStore; children: ReactNode }) {
  return <StoreContext.Provider value={store}>{children}</StoreContext.Provider>;
}

export function useArrayStore(): ArrayStore {
  const s = useContext(StoreContext);
  if (!s) throw new Error('useArrayStore outside ArrayStoreProvider');
  return s;
}

/** One array's pane state and its updater, for a pane showing `summary`. */
export function usePaneState(
  summary: ArraySummary,
): [ArrayPaneState, (patch: (p: ArrayPaneState) => Partial<ArrayPaneState>) => void] {
  const store = useArrayStore();
  const state = store.state.arrays[arrayKey(summary)] ?? initialPaneState(summary);
  const update = useCallback(
    (patch: (p: ArrayPaneState) => Partial<ArrayPaneState>) => store.update(summary, patch),
    [store, summary],
  );
  return [state, update];
}

/** The shared data model (null → the platform's), for Reinterpret, the console and the Tour. */
export function useDataModel(platform: DataModelId): [DataModelId, (m: DataModelId) => void] {
  const store = useArrayStore();
  return [store.state.model ?? platform, store.setModel];
}
