/**
 * A selected byte range as text to paste elsewhere: hex pairs (as a hex editor copies), a C array initializer,
 * or a Python bytes literal spelled exactly as CPython's repr(bytes) spells it (Objects/bytesobject.c,
 * PyBytes_Repr: single quotes unless the bytes hold ' and no "; \t \n \r \\ and the quote escaped; printable
 * ASCII as itself; every other byte \xhh).
 */

export type CopyFormat = 'hex' | 'c' | 'python';

export const COPY_FORMATS: { format: CopyFormat; label: string }[] = [
  { format: 'hex', label: 'hex' },
  { format: 'c', label: 'C array' },
  { format: 'python', label: 'Python bytes' },
];

export function hexText(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}

/** `unsigned char bytes[N] = { 0x93, 0x4e, ... };`, 12 values a line. */
export function cArray(bytes: Uint8Array, name = 'bytes'): string {
  const lines: string[] = [];
  for (let i = 0; i < bytes.length; i += 12) {
    lines.push(
      '    ' + Array.from(bytes.subarray(i, i + 12), (b) => '0x' + b.toString(16).padStart(2, '0')).join(', '),
    );
  }
  return `unsigned char ${name}[${bytes.length}] = {\n${lines.join(',\n')}${lines.length ? '\n' : ''}};`;
}

export function pythonBytes(bytes: Uint8Array): string {
  let hasSingle = false;
  let hasDouble = false;
  for (const b of bytes) {
    if (b === 0x27) hasSingle = true;
    else if (b === 0x22) hasDouble = true;
  }
  const quote = hasSingle && !hasDouble ? '"' : "'";
  let out = 'b' + quote;
  for (const b of bytes) {
    const c = String.fromCharCode(b);
    if (c === quote || b === 0x5c) out += '\\' + c;
    else if (b === 0x09) out += '\\t';
    else if (b === 0x0a) out += '\\n';
    else if (b === 0x0d) out += '\\r';
    else if (b < 0x20 || b >= 0x7f) out += '\\x' + b.toString(16).padStart(2, '0');
    else out += c;
  }
  return out + quote;
}

export function formatBytes(bytes: Uint8Array, format: CopyFormat): string {
  return format === 'hex' ? hexText(bytes) : format === 'c' ? cArray(bytes) : pythonBytes(bytes);
}
