// RYG status, CAC comparison and the QLP schedule.
import { describe, expect, it } from 'vitest';
import { cac, compareCac } from '../../src/domain/cac.js';
import { parseDirection, rygStatus } from '../../src/domain/ryg.js';
import { addDays, ScheduleError, scheduleRoadmap } from '../../src/domain/schedule.js';

describe('rygStatus', () => {
  it('is green at target, yellow inside the band, red beyond (higher is better)', () => {
    expect(rygStatus(10, 10, 'higher', 0.2)).toBe('Green');
    expect(rygStatus(8, 10, 'higher', 0.2)).toBe('Yellow');
    expect(rygStatus(7.99, 10, 'higher', 0.2)).toBe('Red');
  });

  it('mirrors the band above the target when lower is better', () => {
    expect(rygStatus(100, 100, 'lower', 0.2)).toBe('Green');
    expect(rygStatus(120, 100, 'lower', 0.2)).toBe('Yellow');
    expect(rygStatus(121, 100, 'lower', 0.2)).toBe('Red');
  });

  it('compares like a spreadsheet: 80% of 35.5 is 28.4 despite floating-point noise', () => {
    expect(35.5 * (1 - 0.2)).not.toBe(28.4);
    expect(rygStatus(28.4, 35.5, 'higher', 0.2)).toBe('Yellow');
  });

  it('has no status without both numbers, and handles a zero target', () => {
    expect(rygStatus(null, 10, 'higher', 0.2)).toBeNull();
    expect(rygStatus(5, undefined, 'higher', 0.2)).toBeNull();
    expect(rygStatus(0, 0, 'higher', 0.2)).toBe('Green');
    expect(rygStatus(1, 0, 'lower', 0.2)).toBe('Red');
  });

  it('reads the direction word as TRIM(word)="lower" does: any case, spaces around it', () => {
    for (const word of ['lower', 'LOWER', 'Lower', ' lower ', 'lower  '])
      expect(parseDirection(word)).toBe('lower');
    for (const word of ['higher', '', 'low', 'lo wer', 'lower.', true, 5, null, undefined])
      expect(parseDirection(word)).toBe('higher');
    expect(rygStatus(12, 10, 'LOWER', 0.2)).toBe('Yellow');
    expect(rygStatus(12, 10, ' Higher', 0.2)).toBe('Green');
  });

  it('gives no status unless actual and target are numbers (text, TRUE/FALSE, NaN are not)', () => {
    for (const target of ['n/a', 'ten', '10', true, false, Number.NaN, ''])
      expect(rygStatus(10, target, 'higher', 0.2)).toBeNull();
    for (const actual of ['n/a', '10', true, false]) expect(rygStatus(actual, 10, 'lower', 0.2)).toBeNull();
  });
});

describe('CAC', () => {
  it('is blank (null) when nothing was won, and compares partner with direct', () => {
    expect(cac(1000, 0)).toBeNull();
    expect(compareCac({ partnerCost: 60_000, partnerWon: 6, directCost: 300_000, directWon: 20 })).toEqual({
      partnerCac: 10_000,
      directCac: 15_000,
      partnerAdvantage: 1 - 10_000 / 15_000,
    });
    expect(
      compareCac({ partnerCost: 1, partnerWon: 1, directCost: 0, directWon: 0 }).partnerAdvantage,
    ).toBeNull();
  });
});

describe('scheduleRoadmap', () => {
  const entries = [
    { key: 'a', startDay: 0, durationDays: 10, dependsOn: [] },
    { key: 'b', startDay: 5, durationDays: 5, dependsOn: ['a'] },
    { key: 'c', startDay: 0, durationDays: 3, dependsOn: ['b', 'not-chosen'] },
  ];

  it('starts each entry after everything it depends on, from the program start', () => {
    const out = scheduleRoadmap(entries, '2027-01-30');
    expect(out.map((e) => [e.key, e.startDate, e.dueDate])).toEqual([
      ['a', '2027-01-30', '2027-02-09'],
      ['b', '2027-02-09', '2027-02-14'],
      ['c', '2027-02-14', '2027-02-17'],
    ]);
  });

  it('names the entries of a dependency cycle', () => {
    expect(() =>
      scheduleRoadmap(
        [
          { key: 'x', startDay: 0, durationDays: 1, dependsOn: ['y'] },
          { key: 'y', startDay: 0, durationDays: 1, dependsOn: ['x'] },
        ],
        '2027-01-01',
      ),
    ).toThrow(ScheduleError);
  });

  it('adds days across month and leap-year boundaries', () => {
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2027-12-31', 1)).toBe('2028-01-01');
  });
});
