#!/usr/bin/env python3
"""Expected values for core/python (lexer + repr), from CPython itself: what each string literal's body decodes to
(or that CPython refuses it), and repr() of floats, strs, bytes and tuples. Writes tests/fixtures/python/text.json."""
import ast, json, os, warnings

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, '..', 'tests', 'fixtures', 'python', 'text.json')

LITERALS = [
    r"'plain'", r"'a\tb\nc'", r"'\a\b\f\v\0'", r"'\x41\x7f'", r"'\101\7\777'", r"'\u00e9\U0001F600'",
    r"'\q kept'", r"r'\n\x41'", r"b'\x00\xff\n'", r"b'\101\777'", r"rb'\x41'", r"'it\'s'", r'"say \"hi\""',
    r"'\x4'", r"'\u12'", r"'\U00110000'", r"b'\x4'", "b'\u00e9'",
]
FLOATS = [0.0, -0.0, 1.0, 1.5, 0.1, 1e16, 1e15, 123456789012345678.0, 1e-4, 1e-5, 0.00012, 2.5e-300, 1.7976931348623157e308,
          float('inf'), float('-inf'), float('nan'), -3.25]
STRS = ['', 'a', "it's", 'say "hi"', 'both \' and "', 'tab\there', '\x00\x7f\x80\xa0\xad', '\u00e9\u4e2d', '\U0001F600', '\\']
BYTES = [b'', b'abc', b"it's", b'\x00\xff\t\n\r', b'both \' and "', b'\\']
TUPLES = [[], [3], [2, 3], [1, 2, 3]]

def decode(lit):
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        try:
            v = ast.literal_eval(lit)
        except SyntaxError:
            return {'literal': lit, 'error': True}
    if isinstance(v, bytes):
        return {'literal': lit, 'bytes': list(v)}
    return {'literal': lit, 'codePoints': [ord(c) for c in v]}

data = {
    'literals': [decode(l) for l in LITERALS],
    'floats': [{'value': x if x == x and abs(x) != float('inf') else str(x), 'repr': repr(x)} for x in FLOATS],
    'strs': [{'codePoints': [ord(c) for c in s], 'repr': repr(s)} for s in STRS],
    'bytes': [{'bytes': list(b), 'repr': repr(b)} for b in BYTES],
    'tuples': [{'items': t, 'repr': repr(tuple(t))} for t in TUPLES],
}
os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, 'w') as f:
    json.dump(data, f, indent=1)
    f.write('\n')
print('wrote', os.path.relpath(OUT))
