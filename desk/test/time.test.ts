import { describe, expect, it } from 'vitest';
import { clockTime, dateTime, waited } from '../src/time';

describe('times', () => {
  const start = '2026-11-24T07:10:00Z';
  const at = (seconds: number): number => Date.parse(start) + seconds * 1000;

  it('says how long someone waited', () => {
    expect(waited(start, at(0))).toBe('0 s');
    expect(waited(start, at(45.4))).toBe('45 s');
    expect(waited(start, at(60))).toBe('1 min');
    expect(waited(start, at(59 * 60 + 59))).toBe('59 min');
    expect(waited(start, at(2 * 3600 + 5 * 60))).toBe('2 h 5 min');
  });

  it('never counts backwards when clocks disagree', () => {
    expect(waited(start, at(-30))).toBe('0 s');
  });

  it('formats clock and date times from ISO strings', () => {
    expect(clockTime(start)).toMatch(/\d{1,2}.\d{2}/);
    expect(dateTime(start)).toMatch(/2026/);
  });
});
