/**
 * The splitter between the pane and the console: drag it (or focus it and press the arrow keys) to resize the
 * console; beside the pane it sets the console's width, under it (windows under 1100 px) its height. The size is
 * a setting, so it survives a restart.
 */
import { updateSettings, getSettings } from './settings';

function narrow(): boolean {
  return window.matchMedia('(max-width: 1100px)').matches;
}

function dockRect(): DOMRect | null {
  return document.querySelector('[data-testid="console-dock"]')?.getBoundingClientRect() ?? null;
}

export function ConsoleSplitter() {
  const onPointerDown = (e: React.PointerEvent<HTMLDivElement>) => {
    e.preventDefault();
    const el = e.currentTarget;
    el.setPointerCapture(e.pointerId);
    const vertical = narrow();
    const move = (ev: PointerEvent) => {
      if (vertical)
        updateSettings({
          consoleHeight: Math.max(140, Math.min(window.innerHeight * 0.75, window.innerHeight - ev.clientY)),
        });
      else
        updateSettings({
          consoleWidth: Math.max(300, Math.min(window.innerWidth * 0.8, window.innerWidth - ev.clientX)),
        });
    };
    const up = () => {
      el.removeEventListener('pointermove', move);
      el.removeEventListener('pointerup', up);
    };
    el.addEventListener('pointermove', move);
    el.addEventListener('pointerup', up);
  };
  const onKeyDown = (e: React.KeyboardEvent) => {
    const vertical = narrow();
    const step = e.shiftKey ? 80 : 20;
    const grow: Record<string, number> = vertical
      ? { ArrowUp: step, ArrowDown: -step }
      : { ArrowLeft: step, ArrowRight: -step };
    const d = grow[e.key];
    if (d === undefined) return;
    e.preventDefault();
    const r = dockRect();
    if (!r) return;
    if (vertical) updateSettings({ consoleHeight: Math.max(140, (getSettings().consoleHeight ?? r.height) + d) });
    else updateSettings({ consoleWidth: Math.max(300, (getSettings().consoleWidth ?? r.width) + d) });
  };
  return (
    <div
      className="console-splitter"
      role="separator"
      aria-orientation={narrow() ? 'horizontal' : 'vertical'}
      aria-label="Resize the console"
      tabIndex={0}
      onPointerDown={onPointerDown}
      onKeyDown={onKeyDown}
      data-testid="console-splitter"
    />
  );
}
