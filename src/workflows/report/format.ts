// How the report writes its numbers: money, percent and counts, US style; a blank figure as a dash.
import type { Figure, Format } from './compute.js';

export function formatFigure(value: Figure | undefined, format: Format): string {
  if (value === null || value === undefined) return '—';
  if (format === 'percent') return `${(value * 100).toLocaleString('en-US', { maximumFractionDigits: 1 })}%`;
  if (format === 'currency') {
    const abs = Math.abs(value).toLocaleString('en-US', {
      maximumFractionDigits: Math.abs(value) < 100 ? 2 : 0,
    });
    return value < 0 ? `−$${abs}` : `$${abs}`;
  }
  return value.toLocaleString('en-US', { maximumFractionDigits: 1 });
}

/** "2027-01" as "Jan 2027". */
export function monthLabel(key: string): string {
  const [y, m] = key.split('-').map(Number);
  return new Date(Date.UTC(y!, (m ?? 1) - 1, 1)).toLocaleString('en-US', {
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  });
}
