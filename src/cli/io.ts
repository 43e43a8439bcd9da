// Where a command's output goes: the terminal or a test's buffer; JSON mode prints one object and nothing else.
import pc from 'picocolors';

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** True when a person is watching a terminal: progress bars and prompts are allowed. */
  interactive: boolean;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export function processIo(): Io {
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    interactive: Boolean(process.stdout.isTTY && process.stdin.isTTY) && !process.env.CI,
    env: process.env,
    cwd: process.cwd(),
  };
}

export interface GlobalOptions {
  json: boolean;
  debug: boolean;
  config?: string;
}

/** Human lines go to stdout unless --json, where only the final JSON object is printed. */
export class Printer {
  constructor(
    readonly io: Io,
    readonly options: GlobalOptions,
  ) {}

  line(text = ''): void {
    if (!this.options.json) this.io.stdout(`${text}\n`);
  }

  heading(text: string): void {
    this.line(this.io.interactive ? pc.bold(text) : text);
  }

  dim(text: string): string {
    return this.io.interactive ? pc.dim(text) : text;
  }

  json(value: unknown): void {
    if (this.options.json) this.io.stdout(`${JSON.stringify(value, null, 2)}\n`);
  }
}
