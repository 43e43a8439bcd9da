// Formula results: evaluates a spreadsheet's formulas with HyperFormula (dev dependency), cached per revision.

import { createHash } from 'node:crypto';
import type { DetailedCellError, HyperFormula } from 'hyperformula';
import { columnLetters } from './a1.js';
import { errorText, literalValue } from './cells.js';
import type { EffectiveSource, EffectiveValue, SpreadsheetModel } from './sheets-state.js';

export interface HyperFormulaModule {
  HyperFormula: typeof HyperFormula;
  DetailedCellError: typeof DetailedCellError;
}
type Engine = HyperFormula;

const HF_ERRORS: Record<string, string> = {
  DIV_BY_ZERO: 'DIVIDE_BY_ZERO',
  NA: 'N_A',
  NAME: 'NAME',
  NUM: 'NUM',
  REF: 'REF',
  VALUE: 'VALUE',
  CYCLE: 'REF',
  ERROR: 'ERROR',
  SPILL: 'REF',
  LIC: 'ERROR',
};

/**
 * Results by the formulas and values they were computed from (a hash of both), shared by every engine of the
 * process: tests that restore the same workbook and make the same writes (reliability series, differential
 * seeds) get the same book again and again, and building HyperFormula is most of a batchUpdate's time.
 */
const RESULTS_KEPT = 64;
const results = new Map<string, Map<string, EffectiveValue>>();

/**
 * `mode: 'evaluate'` computes formula cells like Sheets would (within HyperFormula's function set;
 * unknown functions give #NAME?). `mode: 'none'` leaves every formula cell without a value: reads with
 * FORMATTED_VALUE / UNFORMATTED_VALUE see an empty cell, FORMULA still returns the formula text.
 * Tests may pin a result with `pin()` (it wins over evaluation).
 */
export class FormulaEngine implements EffectiveSource {
  private hf: HyperFormulaModule | undefined;
  private readonly cache = new WeakMap<
    SpreadsheetModel,
    { revision: number; values: Map<string, EffectiveValue> }
  >();
  private readonly pinned = new Map<string, EffectiveValue>();

  constructor(readonly mode: 'evaluate' | 'none') {}

  /** Loads HyperFormula (about 0.4 s, once per process) when evaluating. */
  async load(): Promise<void> {
    if (this.mode === 'evaluate' && !this.hf) {
      const hf = await import('hyperformula');
      this.hf = { HyperFormula: hf.HyperFormula, DetailedCellError: hf.DetailedCellError };
    }
  }

  /** HyperFormula, once loaded (formula-rewrite.ts uses it to move references). */
  get hyperformula(): HyperFormulaModule | undefined {
    return this.hf;
  }

  /** Fixes what a formula cell evaluates to (spreadsheetId, sheetId, 0-based row/col). */
  pin(spreadsheetId: string, sheetId: number, row: number, col: number, value: EffectiveValue): void {
    this.pinned.set(`${spreadsheetId}|${sheetId}|${row}|${col}`, value);
  }

  effective(book: SpreadsheetModel, sheetIndex: number, row: number, col: number): EffectiveValue {
    const sheet = book.sheets[sheetIndex];
    const cell = sheet?.rows[row]?.[col];
    if (!cell?.userEnteredValue?.formulaValue) return literalValue(cell);
    const key = `${book.spreadsheetId}|${sheet!.properties.sheetId}|${row}|${col}`;
    if (this.pinned.has(key)) return this.pinned.get(key);
    if (this.mode === 'none' || !this.hf) return undefined;
    let cached = this.cache.get(book);
    if (!cached || cached.revision !== book.revision) {
      cached = { revision: book.revision, values: this.evaluate(book) };
      this.cache.set(book, cached);
    }
    return cached.values.get(`${sheetIndex}|${row}|${col}`);
  }

  private evaluate(book: SpreadsheetModel): Map<string, EffectiveValue> {
    const input: Record<string, unknown[][]> = {};
    const formulaCells: [number, number, number][] = [];
    book.sheets.forEach((sheet, s) => {
      const rows: unknown[][] = [];
      sheet.rows.forEach((row, r) => {
        if (!row) return;
        const target: unknown[] = [];
        row.forEach((cell, c) => {
          const v = cell?.userEnteredValue;
          if (!v) return;
          if (v.formulaValue) {
            target[c] = v.formulaValue;
            formulaCells.push([s, r, c]);
          } else if (v.stringValue !== undefined && v.stringValue !== null) target[c] = `'${v.stringValue}`;
          else if (v.numberValue !== undefined && v.numberValue !== null) target[c] = v.numberValue;
          else if (v.boolValue !== undefined && v.boolValue !== null) target[c] = v.boolValue;
        });
        rows[r] = Array.from(target, (x) => x ?? null);
      });
      input[sheet.properties.title] = Array.from(rows, (x) => x ?? []);
    });
    const names: [string, string][] = [];
    for (const named of book.namedRanges) {
      const sheet = book.sheets.find((x) => x.properties.sheetId === (named.range?.sheetId ?? 0));
      if (!named.name || !sheet || !named.range) continue;
      const g = named.range;
      const title = `'${sheet.properties.title.replace(/'/g, "''")}'`;
      names.push([
        named.name,
        `${title}!$${columnLetters(g.startColumnIndex ?? 0)}$${(g.startRowIndex ?? 0) + 1}:$${columnLetters((g.endColumnIndex ?? sheet.properties.gridProperties.columnCount) - 1)}$${g.endRowIndex ?? sheet.properties.gridProperties.rowCount}`,
      ]);
    }
    // Today's date is part of the key: TODAY() computes from it.
    const today = new Date().toISOString().slice(0, 10);
    const key = createHash('sha1')
      .update(JSON.stringify([today, input, names]))
      .digest('hex');
    const known = results.get(key);
    if (known) {
      // Most recently used last: the oldest goes first when the map is full.
      results.delete(key);
      results.set(key, known);
      return known;
    }
    const computed = this.compute(input, names, formulaCells, book);
    results.set(key, computed);
    if (results.size > RESULTS_KEPT) results.delete(results.keys().next().value!);
    return computed;
  }

  private compute(
    input: Record<string, unknown[][]>,
    names: [string, string][],
    formulaCells: [number, number, number][],
    book: SpreadsheetModel,
  ): Map<string, EffectiveValue> {
    const out = new Map<string, EffectiveValue>();
    const { HyperFormula, DetailedCellError } = this.hf!;
    let engine: Engine;
    try {
      // Sheets evaluates SUMPRODUCT's arguments as arrays (ISNUMBER(A1:C1)*... inside it works without
      // ARRAYFORMULA); HyperFormula does that only with array arithmetic switched on.
      engine = HyperFormula.buildFromSheets(input as never, {
        licenseKey: 'gpl-v3',
        useArrayArithmetic: true,
      });
      for (const [name, ref] of names) {
        try {
          engine.addNamedExpression(name, `=${ref}`);
        } catch {
          // a name HyperFormula rejects leaves formulas using it at #NAME?
        }
      }
    } catch {
      for (const [s, r, c] of formulaCells)
        out.set(`${s}|${r}|${c}`, {
          errorValue: { type: 'ERROR', message: 'fake-google could not evaluate' },
        });
      return out;
    }
    for (const [s, r, c] of formulaCells) {
      const sheetId = engine.getSheetId(book.sheets[s]!.properties.title);
      try {
        const value =
          sheetId === undefined ? undefined : engine.getCellValue({ sheet: sheetId, row: r, col: c });
        out.set(`${s}|${r}|${c}`, toEffective(value, DetailedCellError));
      } catch {
        out.set(`${s}|${r}|${c}`, {
          errorValue: { type: 'ERROR', message: 'fake-google could not evaluate' },
        });
      }
    }
    engine.destroy();
    return out;
  }
}

function toEffective(value: unknown, ErrorClass: HyperFormulaModule['DetailedCellError']): EffectiveValue {
  if (value instanceof ErrorClass) {
    const type = HF_ERRORS[value.type] ?? 'ERROR';
    return { errorValue: { type, message: value.message || errorText(type) } };
  }
  if (typeof value === 'number') return { numberValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  if (typeof value === 'string') return { stringValue: value };
  return undefined;
}
