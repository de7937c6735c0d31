import { describe, expect, it } from 'vitest';
import { lineRanges } from './import.ts';

async function* from(lines: number[]) {
  yield* lines;
}

describe('import CLI: every bad line is printed (issue 7 §1.15)', () => {
  it('folds runs of lines into ranges and drops none', async () => {
    expect(await lineRanges(from([]))).toBe('');
    expect(await lineRanges(from([3]))).toBe('3');
    expect(await lineRanges(from([3, 7, 8, 9, 12, 13, 200]))).toBe('3, 7-9, 12-13, 200');
    const many = Array.from({ length: 150 }, (_, i) => i * 2 + 2);
    expect((await lineRanges(from(many))).split(', ')).toHaveLength(150);
  });
});
