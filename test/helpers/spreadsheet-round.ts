// ROUND for HyperFormula as Excel and LibreOffice compute it (binary error corrected to 15 digits first).
//
// HyperFormula 3.5 rounds the raw double: ROUND of a sum whose exact value is 28.65 but whose double is
// 28.649999999999995 gives 28.6, where Excel and LibreOffice give 28.7 (handsontable/hyperformula#1746).
// This is a port of LibreOffice's rtl_math_round in its Corrected mode, the one Calc's ROUND uses
// (sal/rtl/math.cxx: approxFloor(|x|·10^d + 0.5), approxValue keeping 15 significant digits). It is written
// from that source, not from src/domain, so a parity test compares two independent implementations.
import { FunctionArgumentType, FunctionPlugin, HyperFormula, type ImplementedFunctions } from 'hyperformula';

/** rtl::math::approxValue: v rounded to 15 significant decimal digits. */
function approxValue(v: number): number {
  if (v === 0 || !Number.isFinite(v)) return v;
  const exponent = 14 - Math.floor(Math.log10(Math.abs(v)));
  const factor = 10 ** Math.abs(exponent);
  const scaled = exponent < 0 ? v / factor : v * factor;
  const whole = Math.sign(scaled) * Math.round(Math.abs(scaled));
  return exponent < 0 ? whole * factor : whole / factor;
}

/** Calc's ROUND(x, places). A result of zero is +0 (no sheet shows -0). */
export function correctedRound(x: number, places: number): number {
  if (x === 0 || !Number.isFinite(x) || (places >= 0 && Number.isInteger(x))) return x;
  const factor = 10 ** Math.abs(places);
  let v = Math.abs(x);
  v = places < 0 ? v / factor : v * factor;
  v = Math.floor(approxValue(v + 0.5));
  v = places < 0 ? v * factor : v / factor;
  return x < 0 && v !== 0 ? -v : v;
}

class SpreadsheetRoundPlugin extends FunctionPlugin {
  static override implementedFunctions: ImplementedFunctions = {
    ROUND: {
      method: 'round',
      parameters: [
        { argumentType: FunctionArgumentType.NUMBER },
        { argumentType: FunctionArgumentType.NUMBER, defaultValue: 0 },
      ],
    },
  };

  round(
    ast: { args: Parameters<SpreadsheetRoundPlugin['runFunction']>[0] },
    state: Parameters<SpreadsheetRoundPlugin['runFunction']>[1],
  ) {
    return this.runFunction(ast.args, state, this.metadata('ROUND'), (x: number, places: number) =>
      correctedRound(x, Math.trunc(places)),
    );
  }
}

/**
 * Runs `build` with ROUND replaced by the corrected one, then restores HyperFormula's own. An engine keeps
 * the functions registered when it was built, so one built inside `build` keeps the corrected ROUND.
 */
export async function withSpreadsheetRound<T>(build: () => Promise<T>): Promise<T> {
  const original = HyperFormula.getFunctionPlugin('ROUND');
  HyperFormula.registerFunction('ROUND', SpreadsheetRoundPlugin);
  try {
    return await build();
  } finally {
    if (original) HyperFormula.registerFunction('ROUND', original);
  }
}
