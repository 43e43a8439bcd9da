// Where a command's output goes: the terminal or a test's buffer; JSON mode prints one object and nothing else.
import pc from 'picocolors';

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** True when a person is watching a terminal: progress bars and prompts are allowed. */
  interactive: boolean;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** All of standard input, for `--token-stdin`. */
  readStdin: () => Promise<string>;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += chunk.toString();
  return text;
}

/** Every secret this run has seen is replaced before any output leaves the process. */
export function redactingIo(io: Io, secrets: Set<string>): Io {
  const clean = (text: string) => {
    let out = text;
    for (const secret of secrets) if (secret.length >= 8) out = out.split(secret).join('[redacted]');
    return out;
  };
  return { ...io, stdout: (t) => io.stdout(clean(t)), stderr: (t) => io.stderr(clean(t)) };
}

/**
 * Writes to an output stream that the reader may close early (`partnernomics plan | head -1`): the first failed
 * write (EPIPE) marks the stream closed and every later write is dropped, so the command finishes its work quietly
 * instead of dying on an unhandled 'error' event halfway through.
 */
export function closableWriter(stream: NodeJS.WritableStream): (text: string) => void {
  let closed = false;
  stream.on('error', () => {
    closed = true;
  });
  return (text) => {
    if (closed) return;
    try {
      stream.write(text);
    } catch {
      closed = true;
    }
  };
}

export function processIo(): Io {
  const stdout = closableWriter(process.stdout);
  const stderr = closableWriter(process.stderr);
  return {
    stdout,
    stderr,
    interactive: Boolean(process.stdout.isTTY && process.stdin.isTTY) && !process.env.CI,
    env: process.env,
    cwd: process.cwd(),
    readStdin: () => readAll(process.stdin),
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
