import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiError, AppInfo, ArraySummary, OpenRequest, Result } from '@contract';
import { bridge, call, startupOnce } from './api';
import { ErrorBox } from './common';
import { updateSettings, useSettings } from './settings';
import { ConsoleSplitter } from './ConsoleSplitter';
import { RawOpenForm, rawOptionsFileOf } from './RawOpenForm';
import { JobProgressBar } from './JobProgress';
import { ArrayView } from '../array/ArrayView';
import { BytesView } from '../bytes/BytesView';
import { WalkView } from '../walk/WalkView';
import { ReinterpretView } from '../reinterpret/ReinterpretView';
import { LifetimeView } from '../lifetime/LifetimeView';
import { KernelsView } from '../kernels/KernelsView';
import { ConsoleView } from '../console/ConsoleView';
import type { TabName, ViewProps } from './viewProps';
import type { ConsoleRunResult, ConsoleSessionInfo, TourPaneName } from '@contract';
import { ArrayStoreProvider, MAX_READS_LIT, useArrayStoreRoot } from '../state/arrayStore';

const TABS: { name: TabName; label: string }[] = [
  { name: 'array', label: 'Array' },
  { name: 'bytes', label: 'Bytes' },
  { name: 'walk', label: 'Stride walk' },
  { name: 'reinterpret', label: 'Reinterpret' },
  { name: 'lifetime', label: 'Lifetime' },
  { name: 'kernels', label: 'Kernels' },
];

export function App() {
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [arrays, setArrays] = useState<ArraySummary[]>([]);
  const [currentId, setCurrentId] = useState<string | null>(null);
  const [tab, setTab] = useState<TabName>('array');
  const [cursors, setCursors] = useState<Record<string, number | null>>({});
  const [error, setError] = useState<ApiError | null>(null);
  const [recent, setRecent] = useState<string[]>([]);
  const [dragging, setDragging] = useState(false);
  const [busy, setBusy] = useState(false);
  /** A dropped/picked file that is neither .npy nor .npz: the raw form asks how to map it. */
  const [rawFile, setRawFile] = useState<{ path: string; grant: string } | null>(null);
  const tabRefs = useRef<Record<string, HTMLButtonElement | null>>({});
  /** The console dock (kept mounted while hidden, so its history stays), and the pane the tour points at. */
  const [consoleOpen, setConsoleOpen] = useState(false);
  const [consoleRev, setConsoleRev] = useState(0);
  const [pointed, setPointed] = useState<TabName | 'console' | null>(null);

  const current = arrays.find((a) => a.id === currentId) ?? null;
  /** Each array's pane state (walk, kernels, reinterpret, cursor), kept across tab switches and reopening. */
  const store = useArrayStoreRoot();
  const { pane: paneOf, update: updatePane } = store;
  const settings = useSettings();

  const refreshRecent = useCallback(() => {
    void call((api) => api.recentFiles()).then((r) => {
      if (r.ok) setRecent(r.value);
    });
  }, []);

  /**
   * Every answer to an open — drop, Open… (dialog), the File menu and its recent files (pushed by main), the recent
   * list, the command line (startup) — comes here, so a raw file reaches the raw form whichever way it arrived.
   */
  const accept = useCallback(
    (r: Result<ArraySummary | null>): ArraySummary | null => {
      if (!r.ok) {
        const raw = rawOptionsFileOf(r.error);
        if (raw) {
          // not .npy/.npz: ask for dtype, shape, offset, order, mode in place (the current array stays)
          setError(null);
          setRawFile(raw);
        } else {
          setError(r.error);
        }
        return null;
      }
      if (r.value === null) return null;
      const s = r.value;
      setError(null);
      setRawFile(null); // another file opened: a pending raw form is moot
      setArrays((prev) => [...prev.filter((a) => a.id !== s.id), s]);
      setCurrentId(s.id);
      setCursors((c) => ({ ...c, [s.id]: c[s.id] ?? paneOf(s).cursor ?? s.dataOffset }));
      refreshRecent();
      return s;
    },
    [refreshRecent, paneOf],
  );

  const open = useCallback(
    async (request: OpenRequest) => {
      setBusy(true);
      try {
        return accept(await call((api) => api.openGrant(request)));
      } finally {
        setBusy(false);
      }
    },
    [accept],
  );

  /** The raw form's submit: errors stay in the form; success opens the array and closes the form. */
  const openRaw = useCallback(
    async (request: OpenRequest) => {
      const r = await call((api) => api.openGrant(request));
      if (r.ok) {
        setRawFile(null);
        accept(r);
      }
      return r;
    },
    [accept],
  );

  const openMember = useCallback(
    async (from: ArraySummary, member: string) => {
      const already = arrays.find((a) => a.file === from.file && a.npz?.member === member);
      if (already) {
        setCurrentId(already.id);
        return already;
      }
      // the archive's grant covers its members
      if (!from.grant) return null;
      return open({ grant: from.grant, member });
    },
    [arrays, open],
  );

  /** The example: the one already open if there is one, else a fresh one. */
  const openExample = useCallback(async () => {
    const open = arrays.find((a) => a.source === 'example');
    if (open) {
      setCurrentId(open.id);
      return open;
    }
    return accept(await call((api) => api.openExample()));
  }, [accept, arrays]);

  useEffect(() => {
    // React's StrictMode (development) runs this effect, cleans it up and runs it again: startup() is asked ONCE per
    // page (startupOnce), and only the live run accepts its answer — one example, one mapping of the startup file.
    let live = true;
    void call((api) => api.appInfo()).then((r) => live && r.ok && setInfo(r.value));
    void startupOnce().then((r) => live && accept(r));
    let off: (() => void) | undefined;
    try {
      off = bridge().onOpened((r) => accept(r));
    } catch {
      // no bridge: startup() above already reported it
    }
    return () => {
      live = false;
      off?.();
    };
  }, [accept]);

  // Drag and drop anywhere on the window: the page hands the File to the preload, which resolves its path
  // (webUtils.getPathForFile) in its isolated world; main grants and opens it. The page never sees or sends a path.
  useEffect(() => {
    const over = (e: DragEvent) => {
      if (e.dataTransfer?.types.includes('Files')) {
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
        setDragging(true);
      }
    };
    const leave = (e: DragEvent) => {
      if (e.relatedTarget === null) setDragging(false);
    };
    const drop = (e: DragEvent) => {
      // only files are ours: text dragged into an input (the console's prompt) keeps the browser's default
      if (!e.dataTransfer?.types.includes('Files')) return;
      e.preventDefault();
      setDragging(false);
      const file = e.dataTransfer?.files[0];
      if (!file) return;
      setBusy(true);
      void call((api) => api.openDroppedFile(file))
        .then(accept)
        .finally(() => setBusy(false));
    };
    window.addEventListener('dragover', over);
    window.addEventListener('dragleave', leave);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragover', over);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('drop', drop);
    };
  }, [accept]);

  // Keyboard: Alt+1..6 switch views, Ctrl/Cmd+O opens.
  useEffect(() => {
    const key = (e: KeyboardEvent) => {
      if (e.altKey && /^[1-6]$/.test(e.key)) {
        e.preventDefault();
        const t = TABS[Number(e.key) - 1].name;
        setTab(t);
        tabRefs.current[t]?.focus();
      } else if (e.altKey && e.key === '0') {
        e.preventDefault();
        setConsoleOpen((o) => !o);
      } else if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'o' && info?.canShowDialog) {
        e.preventDefault();
        void call((api) => api.openDialog()).then(accept);
      }
    };
    window.addEventListener('keydown', key);
    return () => window.removeEventListener('keydown', key);
  }, [accept, info]);

  const setCursor = useCallback(
    (fileOffset: number | null) => {
      if (currentId) setCursors((c) => ({ ...c, [currentId]: fileOffset }));
      if (current) updatePane(current, () => ({ cursor: fileOffset }));
    },
    [currentId, current, updatePane],
  );

  const goto = useCallback(
    (t: TabName, fileOffset?: number) => {
      if (fileOffset !== undefined) setCursor(fileOffset);
      setTab(t);
    },
    [setCursor],
  );

  const close = async (id: string) => {
    const r = await call((api) => api.closeArray(id));
    if (!r.ok) return setError(r.error);
    setArrays((prev) => {
      const rest = prev.filter((a) => a.id !== id);
      if (currentId === id) setCurrentId(rest.length ? rest[rest.length - 1].id : null);
      return rest;
    });
  };

  const onTabKey = (e: React.KeyboardEvent, i: number) => {
    let j = i;
    if (e.key === 'ArrowRight') j = (i + 1) % TABS.length;
    else if (e.key === 'ArrowLeft') j = (i + TABS.length - 1) % TABS.length;
    else if (e.key === 'Home') j = 0;
    else if (e.key === 'End') j = TABS.length - 1;
    else return;
    e.preventDefault();
    setTab(TABS[j].name);
    tabRefs.current[TABS[j].name]?.focus();
  };

  const listedWasConsole = useRef<Set<string>>(new Set());
  /** The console's arrays are listed like opened files: replace the listing with the session's. */
  const showConsoleArrays = useCallback((s: ConsoleSessionInfo, closed: string[], follow: string | null) => {
    const listed = s.arrays.map((a) => a.summary);
    const ids = new Set(listed.map((a) => a.id));
    setArrays((prev) => [...prev.filter((a) => a.source !== 'playground' && !closed.includes(a.id)), ...listed]);
    setCursors((c) => {
      const next = { ...c };
      for (const a of listed) next[a.id] ??= a.dataOffset;
      return next;
    });
    const followed = follow ? s.arrays.find((a) => a.name === follow) : undefined;
    setCurrentId((cur) => {
      if (followed) return followed.id;
      if (cur && (closed.includes(cur) || (!ids.has(cur) && listedWasConsole.current.has(cur))))
        return listed.length ? listed[listed.length - 1].id : null;
      return cur;
    });
    listedWasConsole.current = ids;
    setConsoleRev((n) => n + 1);
  }, []);
  const onConsoleResult = useCallback(
    (r: ConsoleRunResult, follow: string | null) => {
      showConsoleArrays(r.session, r.closed, follow);
      // the pointer reads C made in the last statement that read (`.contents`, `p[i]`, several in one line): each
      // array's are lit in its Bytes pane; the last one's array is shown, the cursor and selection on its bytes
      const statements = r.inputs.flatMap((i) => i.statements).filter((st) => st.pointerReads?.length);
      const reads = (statements.at(-1)?.pointerReads ?? []).slice(0, MAX_READS_LIT);
      const read = reads.at(-1);
      if (read) {
        for (const a of r.session.arrays) {
          const mine = reads
            .filter((x) => x.id === a.id)
            .map((x) => ({ from: x.fileOffset, to: x.fileOffset + x.length }));
          updatePane(a.summary, (p) => (mine.length || p.reads.length ? { reads: mine } : {}));
        }
      }
      const target = read ? r.session.arrays.find((a) => a.id === read.id)?.summary : undefined;
      if (read && target) {
        setCurrentId(target.id);
        setCursors((c) => ({ ...c, [target.id]: read.fileOffset }));
        updatePane(target, () => ({
          cursor: read.fileOffset,
          selection: { from: read.fileOffset, to: read.fileOffset + read.length },
        }));
      }
    },
    [showConsoleArrays, updatePane],
  );
  const onConsoleSession = useCallback((s: ConsoleSessionInfo) => showConsoleArrays(s, [], null), [showConsoleArrays]);
  /** The tour points at a pane: switch to it (showing the session's array), and highlight it for a moment. */
  const pointAt = useCallback(
    (pane: TourPaneName, arrayName: string | null, view?: { walk?: string }) => {
      setArrays((prev) => {
        const hit = arrayName
          ? prev.find((a) => a.source === 'playground' && a.label === `${arrayName} (console)`)
          : undefined;
        if (hit) {
          setCurrentId(hit.id);
          // the pane shows the very view the card describes
          const walk = view?.walk;
          if (walk) updatePane(hit, () => ({ walk: { expression: walk, step: 0, requested: Date.now() } }));
        }
        return prev;
      });
      if (pane !== 'console') setTab(pane);
      setPointed(pane === 'console' ? 'console' : pane);
    },
    [updatePane],
  );
  useEffect(() => {
    if (pointed === null) return;
    const t = setTimeout(() => setPointed(null), 2500);
    return () => clearTimeout(t);
  }, [pointed]);

  /** The empty state's third way in: open the console and start its tour. */
  const startTour = useCallback(() => {
    setConsoleOpen(true);
    requestAnimationFrame(() =>
      (document.querySelector('[data-testid="tour-toggle"]') as HTMLButtonElement | null)?.click(),
    );
  }, []);

  const viewProps: ViewProps | null = current
    ? {
        summary: current,
        info,
        cursor: cursors[current.id] ?? null,
        setCursor,
        goto,
        openExample,
        openMember,
        consoleRev,
      }
    : null;

  return (
    <ArrayStoreProvider store={store}>
      <div className={`app ${dragging ? 'dragging' : ''}`} data-testid="app">
        <header className="toolbar">
          <span className="brand">Stridescope</span>
          {info?.canShowDialog ? (
            <button
              onClick={() => void call((api) => api.openDialog()).then(accept)}
              title="Open a .npy, .npz or raw file (Ctrl+O)"
              data-testid="open-dialog"
            >
              Open…
            </button>
          ) : null}
          <button onClick={() => void openExample()} data-testid="open-example">
            Example
          </button>
          <select
            aria-label="Recent files"
            data-testid="recent"
            value=""
            onChange={(e) => {
              if (e.target.value !== '') {
                const index = Number(e.target.value);
                setBusy(true);
                void call((api) => api.openRecent(index))
                  .then(accept)
                  .finally(() => setBusy(false));
              }
            }}
          >
            <option value="">Recent files…</option>
            {recent.map((p, i) => (
              <option key={p} value={String(i)}>
                {p}
              </option>
            ))}
          </select>
          <button
            className={consoleOpen ? 'preset active' : 'preset'}
            aria-pressed={consoleOpen}
            onClick={() => setConsoleOpen((o) => !o)}
            data-testid="toggle-console"
            title="Type NumPy / ctypes Python and watch the panes follow (Alt+0)"
          >
            Console
          </button>
          <span className="settings-group" role="group" aria-label="Offsets">
            offsets
            <span className="segmented">
              {(['hex', 'dec'] as const).map((f) => (
                <button
                  key={f}
                  aria-pressed={settings.offsetFormat === f}
                  onClick={() => updateSettings({ offsetFormat: f })}
                  data-testid={`offsets-${f}`}
                >
                  {f === 'hex' ? '0x' : '123'}
                </button>
              ))}
            </span>
          </span>
          <select
            aria-label="Theme"
            value={settings.theme}
            onChange={(e) => updateSettings({ theme: e.target.value as 'system' | 'light' | 'dark' })}
            data-testid="theme"
            title="Colours: follow the system, or pin light / dark"
          >
            <option value="system">theme: system</option>
            <option value="light">light</option>
            <option value="dark">dark</option>
          </select>
          <span className="hint">{busy ? 'opening…' : 'drop a .npy / .npz / raw file here'}</span>
        </header>

        <div className="tabs-row">
          <nav className="tabs" role="tablist" aria-label="Views">
            {TABS.map((t, i) => (
              <button
                key={t.name}
                ref={(el) => {
                  tabRefs.current[t.name] = el;
                }}
                role="tab"
                aria-selected={tab === t.name}
                tabIndex={tab === t.name ? 0 : -1}
                className={`${tab === t.name ? 'tab active' : 'tab'}${pointed === t.name ? ' pointed' : ''}`}
                onClick={() => setTab(t.name)}
                onKeyDown={(e) => onTabKey(e, i)}
                data-testid={`tab-${t.name}`}
                title={`Alt+${i + 1}`}
              >
                {t.label}
              </button>
            ))}
          </nav>
          <div className="open-arrays" role="list" aria-label="Open arrays">
            {arrays.map((a) => (
              <span key={a.id} role="listitem" className={`array-chip ${a.id === currentId ? 'current' : ''}`}>
                <button
                  className="chip-label"
                  onClick={() => setCurrentId(a.id)}
                  title={a.file ?? a.label}
                  data-testid={`array-${a.id}`}
                >
                  {a.source === 'example' ? 'x (example)' : a.label}
                </button>
                <button className="chip-close" aria-label={`Close ${a.label}`} onClick={() => void close(a.id)}>
                  ×
                </button>
              </span>
            ))}
          </div>
        </div>

        <ErrorBox error={error} onDismiss={() => setError(null)} />

        <div className="workspace">
          <main className={`view${pointed && pointed !== 'console' ? ' pointed' : ''}`} role="tabpanel">
            <JobProgressBar kind="inflate" />
            <JobProgressBar kind="copy" />
            <JobProgressBar kind="search" />
            {rawFile ? (
              <RawOpenForm
                key={rawFile.grant}
                path={rawFile.path}
                grant={rawFile.grant}
                open={openRaw}
                onCancel={() => setRawFile(null)}
              />
            ) : null}
            {!viewProps ? (
              <div className="empty welcome" data-testid="empty-state">
                <h2>See how an array lives in memory</h2>
                <ol>
                  <li>
                    <div className="drop-target">
                      Drop a .npy, .npz or raw binary file anywhere in this window
                      {info?.canShowDialog ? ' (or Open…, Ctrl+O)' : ''}.
                    </div>
                  </li>
                  <li>
                    Or open the seed's example, <code>x = np.array([[0, 1], [2, 3]], dtype=np.int32)</code>:{' '}
                    <button className="primary" onClick={() => void openExample()} data-testid="empty-open-example">
                      Open the example
                    </button>
                  </li>
                  <li>
                    Or let the tour walk you through NumPy, strides and ctypes in the console:{' '}
                    <button onClick={startTour} data-testid="empty-start-tour">
                      Start the tour
                    </button>
                  </li>
                </ol>
              </div>
            ) : tab === 'array' ? (
              <ArrayView {...viewProps} />
            ) : tab === 'bytes' ? (
              <BytesView {...viewProps} />
            ) : tab === 'walk' ? (
              <WalkView {...viewProps} />
            ) : tab === 'reinterpret' ? (
              <ReinterpretView {...viewProps} />
            ) : tab === 'lifetime' ? (
              <LifetimeView {...viewProps} />
            ) : (
              <KernelsView {...viewProps} />
            )}
          </main>
          {consoleOpen ? <ConsoleSplitter /> : null}
          <aside
            className={`console-dock${pointed === 'console' ? ' pointed' : ''}`}
            hidden={!consoleOpen}
            aria-label="Console"
            data-testid="console-dock"
            style={{
              ['--console-size' as string]: settings.consoleWidth ? `${settings.consoleWidth}px` : undefined,
              ['--console-size-v' as string]: settings.consoleHeight ? `${settings.consoleHeight}px` : undefined,
            }}
          >
            <div className="console-dock-head">
              <button
                className="link"
                onClick={() => updateSettings({ consoleWidth: null, consoleHeight: null })}
                title="Back to the default size"
              >
                reset size
              </button>
              <button
                onClick={() => setConsoleOpen(false)}
                aria-label="Collapse the console (Alt+0)"
                title="Collapse (Alt+0)"
                data-testid="console-collapse"
              >
                ⟩ hide
              </button>
            </div>
            <ConsoleView
              onResult={onConsoleResult}
              onSession={onConsoleSession}
              point={pointAt}
              platformModel={info?.model}
            />
          </aside>
        </div>
        {dragging ? <div className="drop-overlay">Drop to open</div> : null}
      </div>
    </ArrayStoreProvider>
  );
}
