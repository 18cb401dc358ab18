#!/usr/bin/env python3
"""`npm run fixtures`: regenerate every committed fixture and expected value from NumPy, in dependency order.
The tests never run Python; they read what this writes under tests/fixtures/."""
import os, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
ORDER = ['gen_dtype_fixtures.py', 'gen_view_fixtures.py', 'gen_format_fixtures.py', 'gen_ctypes_fixtures.py',
         'gen_kernel_fixtures.py', 'gen_pairwise_fixtures.py', 'gen_cli_fixtures.py', 'gen_playground_fixtures.py',
         'gen_readme_fixtures.py', 'gen_python_text_fixtures.py', 'gen_transcripts.py', 'gen_python_names.py',
         'gen_value_text_fixtures.py', 'gen_bytes_fixtures.py']

for name in ORDER:
    path = os.path.join(HERE, name)
    if not os.path.exists(path):
        print(f'(skipping {name}: not present)')
        continue
    print(f'== {name}', flush=True)
    subprocess.run([sys.executable, path], check=True)
