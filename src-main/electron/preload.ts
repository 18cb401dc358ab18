/**
 * The sandboxed preload: exposes ONE typed object, `window.stridescope` (a `StridescopeBridge`), through
 * contextBridge. Each API method is a single `ipcRenderer.invoke` on its channel; nothing else of Electron or
 * Node reaches the page. Built as one CommonJS file that requires only 'electron'.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import {
  API_METHODS,
  BRIDGE_NAME,
  EVENT_OPENED,
  channel,
  type ArraySummary,
  type Result,
  type StridescopeApi,
  type StridescopeBridge,
} from '../api/contract';

const api = Object.fromEntries(
  API_METHODS.map((method) => [method, (...args: unknown[]) => ipcRenderer.invoke(channel(method), ...args)]),
) as unknown as StridescopeApi;

const bridge: StridescopeBridge = {
  ...api,
  onOpened(listener) {
    const wrapped = (_event: IpcRendererEvent, summary: Result<ArraySummary>) => listener(summary);
    ipcRenderer.on(EVENT_OPENED, wrapped);
    return () => {
      ipcRenderer.removeListener(EVENT_OPENED, wrapped);
    };
  },
  pathForFile(file) {
    try {
      return webUtils.getPathForFile(file);
    } catch {
      return '';
    }
  },
};

contextBridge.exposeInMainWorld(BRIDGE_NAME, bridge);
