// Test hooks read from the environment (timeouts, lock times): a bad value is one clear line, never ignored.
import { PnError } from '../platform/errors.js';

/** A whole number of milliseconds from the environment, or undefined when unset. */
export function envMs(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  const ms = Number(raw);
  if (!Number.isFinite(ms) || ms < 0) {
    throw new PnError('INPUT_INVALID', `${name} must be a number of milliseconds (got "${raw}")`, {
      hint: `unset ${name}, or set it to e.g. 60000`,
    });
  }
  return ms;
}
