/** Every tour step, run: its console output is what the step promises, and what real Python printed. */
import { describe, expect, it } from 'vitest';
import { Playground } from '../../src-main/playground/runtime/interpreter';
import { TOUR } from '../../src-main/playground/tour';
import { seedExample } from '../../src-main/core/example';
import { evaluateViewExpr } from '../../src-main/core/viewexpr';
import expected from '../fixtures/playground/expected.json';
import { normalise } from './normalise';

type Inputs = { line: number; source: string; output: string }[];
const cases = (
  expected as { cases: { name: string; model: string; ctypes: boolean; inputs: Inputs; refuse: number[] }[] }
).cases;

function runStep(step: (typeof TOUR)[number]): string {
  const pg = new Playground({ model: step.model, ctypes: step.ctypes ?? true });
  const setup = pg.run(step.setup.join('\n') + '\n');
  expect(setup.errors).toBe(0);
  return step.code.map((c, i) => pg.runInput(c, step.setup.length + i + 1).output).join('');
}

describe('tour', () => {
  it('has a step for each part of the seed page', () => {
    const ids = TOUR.map((s) => s.id);
    for (const want of [
      'data',
      'shape',
      'strides',
      'data_as-llp64',
      'data_as-lp64',
      'shape_as',
      'temporary',
      'safe',
      'no-ctypes',
    ])
      expect(ids).toContain(want);
    expect(new Set(TOUR.map((s) => s.pane))).toEqual(new Set(['bytes', 'console', 'walk', 'reinterpret', 'lifetime']));
  });
  it.each(TOUR.map((s) => [s.id, s] as const))('%s prints what it promises', (_id, step) => {
    expect(normalise(runStep(step)).replace(/^ADDR$/gm, 'ADDR')).toBe(step.expected);
  });
  it.each(TOUR.filter((s) => s.id !== 'temporary').map((s) => [s.id, s] as const))(
    '%s matches real Python',
    (_id, step) => {
      // find each input in a golden case of the same model and ctypes availability
      const model = String(step.model).toLowerCase();
      const pool = cases.filter((c) => c.model === model && c.ctypes === (step.ctypes ?? true));
      // every line of the step is in a golden transcript, and its output here is that transcript's, line for line
      const python = step.code.map((code) => {
        const hit = pool
          .flatMap((c) => c.inputs.filter((i) => !c.refuse.includes(i.line)))
          .find((i) => i.source === code);
        return hit ? normalise(hit.output) : null;
      });
      expect(
        step.code.filter((_, i) => python[i] === null),
        'step lines missing from the golden transcripts',
      ).toEqual([]);
      const ours = step.code.map((code, i) => {
        const pg = new Playground({ model: step.model, ctypes: step.ctypes ?? true });
        pg.run(step.setup.join('\n') + '\n' + step.code.slice(0, i).join('\n') + '\n');
        return normalise(pg.runInput(code).output);
      });
      expect(ours).toEqual(python);
    },
  );
  it('the walk pane shows the view whose strides the card names', () => {
    // NumPy: np.array([[0, 1], [2, 3]], dtype=np.int32).strides == (8, 4); its [:, ::-1] view has (8, -4)
    const walkSteps = TOUR.filter((s) => s.pane === 'walk');
    expect(walkSteps.length).toBeGreaterThan(0);
    for (const step of walkSteps) {
      expect(step.walk, `${step.id} names the view the walk pane shows`).toBeTruthy();
      const view = evaluateViewExpr(step.walk!, { x: seedExample(), a: seedExample() });
      const strides = `(${view.strides.join(', ')})`;
      expect(step.explain).toContain(strides);
      // and the console, run as the step runs it, prints the same strides for that view
      const pg = new Playground({ model: step.model, ctypes: step.ctypes ?? true });
      pg.run(step.setup.join('\n') + '\n');
      expect(pg.runInput(`${step.walk}.strides`).output).toBe(`${strides}\n`);
    }
    expect(evaluateViewExpr('x[:, ::-1]', { x: seedExample() }).strides).toEqual([8, -4]);
  });
});
