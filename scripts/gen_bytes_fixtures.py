#!/usr/bin/env python3
"""Expected answers for the Bytes view's main-side presentation, from Python's zipfile and NumPy.

    python3 scripts/gen_bytes_fixtures.py

Reads the committed format fixtures (tests/fixtures/npy, written by gen_format_fixtures.py) and writes
tests/fixtures/bytes/expected.json:
  zip:     for each .npz, every record as zipfile finds it (local header offset and length, member data, central
           directory offset/size and each entry's offset, end-of-central-directory offset)
  search:  for some .npy files and queries, where bytes.find / NumPy's tobytes() put the first match (hex patterns
           anywhere; values of the array's dtype only at element starts)
  pyrepr:  repr(bytes) for byte strings the Copy-as-Python-bytes action must spell as Python does
"""
import json
import os
import struct
import zipfile

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NPY = os.path.join(ROOT, 'tests', 'fixtures', 'npy')
OUT = os.path.join(ROOT, 'tests', 'fixtures', 'bytes')


def zip_records(path):
    data = open(path, 'rb').read()
    with open(path, 'rb') as fp:
        end = zipfile._EndRecData(fp)  # zipfile's own EOCD finder (zip64-aware): the record ZipFile reads
    eocd = end[zipfile._ECD_LOCATION]
    cd_size, cd_offset = end[zipfile._ECD_SIZE], end[zipfile._ECD_OFFSET]
    members = []
    with zipfile.ZipFile(path) as z:
        for info in z.infolist():
            lh = info.header_offset
            name_len, extra_len = struct.unpack('<HH', data[lh + 26:lh + 30])
            members.append({'name': info.filename, 'headerOffset': lh, 'dataOffset': lh + 30 + name_len + extra_len,
                            'compressedSize': info.compress_size})
    entries = []
    p = cd_offset
    while p < cd_offset + cd_size:
        n, e, c = struct.unpack('<HHH', data[p + 28:p + 34])
        entries.append({'offset': p, 'length': 46 + n + e + c})
        p += 46 + n + e + c
    return {'members': members, 'cdOffset': cd_offset, 'cdSize': cd_size, 'entries': entries, 'eocd': eocd, 'size': len(data)}


def first_element_match(path, value):
    a = np.load(path, mmap_mode='r')
    data = open(path, 'rb').read()
    start = a.offset
    pattern = np.array([value], dtype=a.dtype).tobytes()
    i = data.find(pattern, start)
    while i >= 0 and (i - start) % a.dtype.itemsize:
        i = data.find(pattern, i + 1)
    return {'pattern': pattern.hex(), 'found': i if i >= 0 else None}


def main():
    os.makedirs(OUT, exist_ok=True)
    zips = {name: zip_records(os.path.join(NPY, name)) for name in sorted(os.listdir(NPY)) if name.endswith('.npz')}
    search = []
    for name, query, value in [('i4.npy', '3', 3), ('be_i4.npy', '3', 3), ('f8.npy', '1.5', 1.5), ('i2.npy', '-1', -1),
                               ('u1.npy', None, None), ('bool.npy', 'True', True), ('i8.npy', None, None), ('f4.npy', None, None),
                               ('i8.npy', '123456789', 123456789)]:
        if query is None:  # a value the file holds: its last element
            value = np.load(os.path.join(NPY, name)).flat[-1].item()
            query = str(value)
        r = first_element_match(os.path.join(NPY, name), value)
        search.append({'file': name, 'mode': 'value', 'query': query, **r})
    for name, query in [('i4.npy', '93 4e 55 4d 50 59'), ('f8.npy', "7b 27 64 65 73 63 72 27")]:
        data = open(os.path.join(NPY, name), 'rb').read()
        pattern = bytes.fromhex(query)
        i = data.find(pattern)
        search.append({'file': name, 'mode': 'hex', 'query': query, 'pattern': pattern.hex(), 'found': i if i >= 0 else None})
    samples = [b'', b'abc', b"it's", b'say "hi"', b'both \' and "', b'\x00\x01\x7f\x80\xff', b'\t\n\r\\', bytes(range(256)),
               open(os.path.join(NPY, 'i4.npy'), 'rb').read()[:64]]
    pyrepr = [{'hex': s.hex(), 'repr': repr(s)} for s in samples]
    with open(os.path.join(OUT, 'expected.json'), 'w') as f:
        json.dump({'zip': zips, 'search': search, 'pyrepr': pyrepr}, f, indent=1)
        f.write('\n')


if __name__ == '__main__':
    main()
