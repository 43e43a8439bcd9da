// Business days and quarters: weekends and listed holidays skipped; quarter labels parsed; the PBR day of a quarter.
import { describe, expect, it } from 'vitest';
import {
  addBusinessDays,
  isBusinessDay,
  nextQuarter,
  onOrAfterBusinessDay,
  parseQuarter,
  pbrDate,
  previousQuarter,
  quarterLabel,
  quarterOf,
  quarterStart,
  todayIn,
} from '../../src/domain/business-days.js';

describe('business days', () => {
  it('weekends and listed holidays are not business days', () => {
    expect(isBusinessDay('2027-05-27')).toBe(true); // Thursday
    expect(isBusinessDay('2027-05-29')).toBe(false); // Saturday
    expect(isBusinessDay('2027-05-30')).toBe(false); // Sunday
    expect(isBusinessDay('2027-05-31')).toBe(true);
    expect(isBusinessDay('2027-05-31', ['2027-05-31'])).toBe(false);
  });

  it('counts from the day after the start: Thursday + 2 skips the weekend, and a Monday holiday too', () => {
    expect(addBusinessDays('2027-05-27', 0)).toBe('2027-05-27');
    expect(addBusinessDays('2027-05-27', 1)).toBe('2027-05-28');
    expect(addBusinessDays('2027-05-27', 2)).toBe('2027-05-31');
    expect(addBusinessDays('2027-05-27', 2, ['2027-05-31'])).toBe('2027-06-01');
    expect(addBusinessDays('2027-05-27', 7, ['2027-05-31'])).toBe('2027-06-08');
    // A start on a weekend: the next weekday is day 1.
    expect(addBusinessDays('2027-05-29', 1)).toBe('2027-05-31');
    // Across a year end with two holidays.
    expect(addBusinessDays('2026-12-24', 3, ['2026-12-25', '2027-01-01'])).toBe('2026-12-30');
  });

  it('rolls a date forward to a business day only when it is not one', () => {
    expect(onOrAfterBusinessDay('2027-01-01', ['2027-01-01'])).toBe('2027-01-04');
    expect(onOrAfterBusinessDay('2027-01-05')).toBe('2027-01-05');
  });
});

describe('quarters', () => {
  it('reads the spellings people write, and refuses a quarter without a year', () => {
    for (const text of ['2027Q1', '2027 Q1', '2027-q1', 'Q1 2027', ' q1-2027 '])
      expect(parseQuarter(text)).toEqual({ year: 2027, q: 1 });
    for (const text of ['Q1', '2027Q5', '2027', 'Q0 2027', '27Q1'])
      expect(parseQuarter(text)).toBeUndefined();
  });

  it('labels, starts and neighbors', () => {
    expect(quarterLabel({ year: 2027, q: 3 })).toBe('2027 Q3');
    expect(quarterStart({ year: 2027, q: 4 })).toBe('2027-10-01');
    expect(quarterOf('2027-06-30')).toEqual({ year: 2027, q: 2 });
    expect(quarterOf('2027-07-01')).toEqual({ year: 2027, q: 3 });
    expect(nextQuarter({ year: 2027, q: 4 })).toEqual({ year: 2028, q: 1 });
    expect(previousQuarter({ year: 2027, q: 1 })).toEqual({ year: 2026, q: 4 });
  });

  it("the PBR day is the quarter's first business day plus the offset, holidays skipped", () => {
    // 1 January 2027 is a Friday and a listed holiday: day 0 is Monday 4 January.
    expect(pbrDate({ year: 2027, q: 1 }, 0, ['2027-01-01'])).toBe('2027-01-04');
    expect(pbrDate({ year: 2027, q: 1 }, 10, ['2027-01-01'])).toBe('2027-01-18');
    expect(pbrDate({ year: 2027, q: 1 }, 10, ['2027-01-01', '2027-01-18'])).toBe('2027-01-19');
    expect(pbrDate({ year: 2027, q: 2 }, 10)).toBe('2027-04-15');
  });

  it("today is the run's date in the program's time zone", () => {
    const late = new Date('2027-03-31T23:30:00Z');
    expect(todayIn('Etc/UTC', late)).toBe('2027-03-31');
    expect(todayIn('Europe/Berlin', late)).toBe('2027-04-01');
  });
});
