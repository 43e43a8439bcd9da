// QLP schedule: start and due dates of every roadmap entry from the program start and the dependencies.

export interface ScheduleEntry {
  key: string;
  startDay: number;
  durationDays: number;
  dependsOn: readonly string[];
}

export interface ScheduledEntry {
  key: string;
  startDate: string;
  dueDate: string;
  /** Days after the program start; later than the planned offset when a dependency finishes late. */
  startOffset: number;
  dueOffset: number;
}

export class ScheduleError extends Error {}

/** Adds whole days to an ISO date (YYYY-MM-DD) in UTC, as the sheet's DATE arithmetic does. */
export function addDays(isoDate: string, days: number): string {
  const [y, m, d] = isoDate.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/**
 * Each entry starts at the later of its planned offset and the due day of every entry it depends on,
 * and is due `durationDays` after it starts. Dependencies on entries not in the list are ignored (a
 * type that was not chosen); a cycle is an error that names the entries in it.
 */
export function scheduleRoadmap(entries: readonly ScheduleEntry[], programStart: string): ScheduledEntry[] {
  const byKey = new Map(entries.map((e) => [e.key, e]));
  const due = new Map<string, number>();
  const start = new Map<string, number>();
  const visiting: string[] = [];

  const visit = (entry: ScheduleEntry): number => {
    const known = due.get(entry.key);
    if (known !== undefined) return known;
    if (visiting.includes(entry.key)) {
      throw new ScheduleError(`roadmap dependencies form a cycle: ${[...visiting, entry.key].join(' -> ')}`);
    }
    visiting.push(entry.key);
    let begin = entry.startDay;
    for (const depKey of entry.dependsOn) {
      const dep = byKey.get(depKey);
      if (dep) begin = Math.max(begin, visit(dep));
    }
    visiting.pop();
    start.set(entry.key, begin);
    due.set(entry.key, begin + entry.durationDays);
    return begin + entry.durationDays;
  };

  for (const entry of entries) visit(entry);
  return entries.map((e) => {
    const startOffset = start.get(e.key)!;
    const dueOffset = due.get(e.key)!;
    return {
      key: e.key,
      startOffset,
      dueOffset,
      startDate: addDays(programStart, startOffset),
      dueDate: addDays(programStart, dueOffset),
    };
  });
}
