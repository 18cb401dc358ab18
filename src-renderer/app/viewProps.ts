/** The types the app shell and its views share (in their own module, so views do not import App.tsx). */
import type { AppInfo, ArraySummary } from '@contract';

/** The panes of the app, one per concept of the seed page. */
export type TabName = 'array' | 'bytes' | 'walk' | 'reinterpret' | 'lifetime' | 'kernels';

/** What every view gets: the current array, the shared byte cursor, and a way to move between views. */
export interface ViewProps {
  summary: ArraySummary;
  info: AppInfo | null;
  cursor: number | null;
  setCursor: (fileOffset: number | null) => void;
  goto: (tab: TabName, fileOffset?: number) => void;
  openExample: () => Promise<ArraySummary | null>;
  /** Open another member of the .npz `from` came from (or show it, when it is open already). */
  openMember: (from: ArraySummary, member: string) => Promise<ArraySummary | null>;
  /** Bumped after every console run (panes showing the console's session refresh). */
  consoleRev?: number;
}
