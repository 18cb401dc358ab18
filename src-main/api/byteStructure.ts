/**
 * The Bytes view's structure tree, as a hex editor's pattern tree (ImHex) shows a file: what each run of bytes is.
 *
 *  - .npy (and the .npy inside an .npz member): magic, version, HEADER_LEN, the header dict, its padding, then the
 *    data; for a structured dtype the first element opened into its fields and padding.
 *  - .npz whose member is mapped in place (stored): every zip record in file order — each member's local file
 *    header (its fields, APPNOTE.TXT 4.3.7) and data, the central directory and its entries (4.3.12), the zip64
 *    end records when present (4.3.14, 4.3.15) and the end of central directory record (4.3.16). The open member's
 *    data node holds its .npy tree. https://pkware.cachefly.net/webdocs/casestudies/APPNOTE.TXT
 *  - raw files: the bytes before the data, the data, the bytes after it.
 */
import { findEocd, listNpzMembers } from '../formats/npz';
import type { FileSource } from '../formats/npy';
import type { ArraySummary, ByteRegion } from './contract';

function region(
  label: string,
  kind: ByteRegion['kind'],
  offset: number,
  length: number,
  text = '',
  children: ByteRegion[] = [],
): ByteRegion {
  return { label, kind, offset, length, text, children };
}

function fieldsOf(label: string, kind: ByteRegion['kind'], offset: number, spec: [string, number][]): ByteRegion[] {
  const out: ByteRegion[] = [];
  let at = offset;
  for (const [name, size] of spec) {
    if (size > 0) out.push(region(name, kind, at, size));
    at += size;
  }
  return out.map((r) => ({ ...r, label: `${label}.${r.label}` }));
}

/** The .npy header and the data (with the first element's fields for a structured dtype). */
function npyTree(s: ArraySummary): ByteRegion[] {
  const out: ByteRegion[] = [];
  const parts = (s.header?.parts ?? []).filter((p) => p.name !== 'data');
  if (parts.length) {
    const start = parts[0].offset;
    const end = s.header!.dataOffset;
    out.push(
      region(
        '.npy header',
        'header',
        start,
        end - start,
        `version ${s.header!.version.join('.')}`,
        parts.map((p) =>
          region(
            p.name,
            p.name === 'padding' ? 'padding' : 'header',
            p.offset,
            p.length,
            p.text.length > 80 ? p.text.slice(0, 80) + '…' : p.text,
          ),
        ),
      ),
    );
  }
  const itemsize = s.dtype.itemsize;
  const elements = itemsize > 0 ? Math.floor(s.nbytes / itemsize) : 0;
  const data = region('data', 'data', s.dataOffset, s.nbytes, `${elements.toLocaleString('en-US')} × ${s.dtype.str}`);
  if (elements > 0) {
    const first = region('element 0', 'element', s.dataOffset, itemsize, s.dtype.str);
    const fields = s.dtype.fields ?? [];
    let at = 0;
    fields
      .map((f, i) => ({ f, i }))
      .sort((a, b) => a.f.offset - b.f.offset)
      .forEach(({ f, i }) => {
        if (f.offset > at) first.children.push(region('padding', 'padding', s.dataOffset + at, f.offset - at));
        first.children.push({
          ...region(
            f.name,
            'field',
            s.dataOffset + f.offset,
            f.size,
            f.shape.length ? `${f.str} (${f.shape.join(', ')})` : f.str,
          ),
          field: i,
        });
        at = Math.max(at, f.offset + f.size);
      });
    if (fields.length && at < itemsize)
      first.children.push(region('padding', 'padding', s.dataOffset + at, itemsize - at));
    data.children.push(first);
    if (elements > 1)
      data.children.push(
        region(
          `elements 1 … ${elements - 1}`,
          'data',
          s.dataOffset + itemsize,
          s.nbytes - itemsize,
          `${(elements - 1).toLocaleString('en-US')} more`,
        ),
      );
  }
  out.push(data);
  return out;
}

/** Every record of the zip, in file order; the open member's data holds `inner`. */
function zipTree(src: FileSource, member: string, inner: ByteRegion[]): ByteRegion[] {
  const eocd = findEocd(src);
  const members = listNpzMembers(src).sort((a, b) => a.headerOffset - b.headerOffset);
  const out: ByteRegion[] = [];
  for (const m of members) {
    const lh = m.headerOffset;
    const nameLen = m.dataOffset - lh - 30; // name + extra (the local header's own lengths placed dataOffset)
    out.push(
      region(`local file header · ${m.name}`, 'zip', lh, m.dataOffset - lh, 'PK\\x03\\x04', [
        ...fieldsOf('lfh', 'zip', lh, [
          ['signature', 4],
          ['version_needed', 2],
          ['flags', 2],
          ['method', 2],
          ['mod_time', 2],
          ['mod_date', 2],
          ['crc32', 4],
          ['compressed_size', 4],
          ['uncompressed_size', 4],
          ['name_length', 2],
          ['extra_length', 2],
        ]),
        region('name + extra', 'zip', lh + 30, nameLen, m.name),
      ]),
    );
    out.push(
      region(
        `member data · ${m.name}`,
        m.name === member ? 'data' : 'zip',
        m.dataOffset,
        m.compressedSize,
        m.compressed ? `deflated, ${m.size} bytes inflated` : 'stored',
        m.name === member ? inner : [],
      ),
    );
  }
  const entries = [...members].sort((a, b) => a.centralOffset - b.centralOffset);
  out.push(
    region(
      'central directory',
      'zip',
      eocd.cdOffset,
      eocd.cdSize,
      `${entries.length} entries`,
      entries.map((m) => region(`entry · ${m.name}`, 'zip', m.centralOffset, m.centralLength, 'PK\\x01\\x02')),
    ),
  );
  const afterCd = eocd.cdOffset + eocd.cdSize;
  if (eocd.at > afterCd)
    out.push(region('zip64 end records', 'zip', afterCd, eocd.at - afterCd, 'PK\\x06\\x06, PK\\x06\\x07'));
  out.push(region('end of central directory', 'zip', eocd.at, src.size - eocd.at, 'PK\\x05\\x06'));
  return out;
}

/** The tree for one open array. `zip` is the archive when the Bytes view shows the whole .npz (a stored member). */
export function byteStructure(s: ArraySummary, zip: FileSource | null): ByteRegion[] {
  const inner = npyTree(s);
  if (zip && s.npz) return zipTree(zip, s.npz.member, inner);
  if (s.header) return inner;
  const out: ByteRegion[] = [];
  if (s.dataOffset > 0) out.push(region('before the data', 'padding', 0, s.dataOffset, 'not part of the array'));
  out.push(...inner);
  const end = s.dataOffset + s.nbytes;
  if (end < s.fileSize) out.push(region('after the data', 'padding', end, s.fileSize - end, 'not part of the array'));
  return out;
}
