import { test } from 'vitest';
import { readFileSync } from 'node:fs';
import { simulatedTranscript } from './simulatedTranscript';
test('p', () => { console.log(simulatedTranscript(readFileSync('/tmp/probe.py', 'utf8'))); });
