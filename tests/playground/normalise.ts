/** Shared by the playground's golden tests. */
/** Addresses differ between processes; library frames of tracebacks differ between implementations. */
export function normalise(s: string): string {
  const lines = s.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (/^ {2}File "(?!<stdin>)/.test(l)) {
      while (i + 1 < lines.length && /^ {4}/.test(lines[i + 1])) i++;
      continue;
    }
    out.push(l);
  }
  return out
    .join('\n')
    .replace(/0x[0-9a-f]+/g, '0xADDR')
    .replace(/^\d{8,}$/gm, 'ADDR')
    .replace(/(c_void_p|c_char_p)\(\d+\)/g, '$1(ADDR)')
    .replace(/'data': \(\d+,/g, "'data': (ADDR,");
}
