/**
 * Small pure helpers of the console pane: when Enter continues an input (open brackets, a trailing backslash,
 * as Python's `...` prompt does), how an input is echoed with its prompts, and the address normalisation the
 * tour uses to compare what the console printed with what a step promises (tests/playground/normalise.ts).
 */

/** True while the text cannot be complete Python: brackets still open, or a line ending in a backslash. */
export function continues(text: string): boolean {
  let depth = 0;
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = null;
      else if (ch === '\n') quote = null;
      continue;
    }
    if (ch === '#') {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    if (ch === "'" || ch === '"') quote = ch;
    else if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if (ch === ')' || ch === ']' || ch === '}') depth = Math.max(0, depth - 1);
  }
  return depth > 0 || /\\$/.test(text);
}

/** `>>> first line` and `... ` before each continuation line, as the REPL shows a typed input. */
export function echo(text: string): string {
  return text
    .split('\n')
    .map((l, i) => (i === 0 ? '>>> ' : '... ') + l)
    .join('\n');
}

/** Addresses differ from run to run: 0x… becomes 0xADDR, a bare ctypes.data integer ADDR. */
export function normaliseOutput(s: string): string {
  return s
    .replace(/0x[0-9a-f]+/g, '0xADDR')
    .replace(/^\d{8,}$/gm, 'ADDR')
    .replace(/(c_void_p|c_char_p)\(\d+\)/g, '$1(ADDR)')
    .replace(/'data': \(\d+,/g, "'data': (ADDR,");
}
