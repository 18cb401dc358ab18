/**
 * The sandboxed preload: exposes ONE typed object, `window.stridescope` (a `StridescopeBridge`), through
 * contextBridge. Each API method is a single `ipcRenderer.invoke` on its channel; nothing else of Electron or
 * Node reaches the page. Built as one CommonJS file that requires only 'electron'.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import {
  API_METHODS,
  BRIDGE_NAME,
  DROP_CHANNEL,
  EVENT_OPENED,
  EVENT_PROGRESS,
  channel,
  type ArraySummary,
  type JobProgress,
  type Result,
  type StridescopeApi,
  type StridescopeBridge,
} from '../api/contract';

const api = Object.fromEntries(
  API_METHODS.map((method) => [method, (...args: unknown[]) => ipcRenderer.invoke(channel(method), ...args)]),
) as unknown as StridescopeApi;

/**
 * Files main opens on its own (menu, second instance, macOS open-file) can arrive before the page has subscribed
 * (React subscribes in an effect, after the first paint): they wait here, a few at most, for the first listener.
 */
const waiting: Result<ArraySummary>[] = [];
const listeners = new Set<(summary: Result<ArraySummary>) => void>();
ipcRenderer.on(EVENT_OPENED, (_event: IpcRendererEvent, summary: Result<ArraySummary>) => {
  if (listeners.size === 0) {
    if (waiting.length < 16) waiting.push(summary);
    return;
  }
  for (const listener of listeners) listener(summary);
});

const progressListeners = new Set<(progress: JobProgress) => void>();
ipcRenderer.on(EVENT_PROGRESS, (_event: IpcRendererEvent, progress: JobProgress) => {
  for (const listener of progressListeners) listener(progress);
});

const bridge: StridescopeBridge = {
  ...api,
  onOpened(listener) {
    listeners.add(listener);
    for (const summary of waiting.splice(0)) listener(summary);
    return () => {
      listeners.delete(listener);
    };
  },
  onProgress(listener) {
    progressListeners.add(listener);
    return () => {
      progressListeners.delete(listener);
    };
  },
  // The page hands over a File; its path is resolved HERE, in the isolated world, and goes to main only as a drop.
  // A File the page built itself (new File([...])) has no path ('') and main refuses it: the page cannot name a file.
  openDroppedFile(file) {
    let path = '';
    try {
      path = webUtils.getPathForFile(file);
    } catch {
      path = '';
    }
    return ipcRenderer.invoke(DROP_CHANNEL, path) as Promise<Result<ArraySummary>>;
  },
};

contextBridge.exposeInMainWorld(BRIDGE_NAME, bridge);
