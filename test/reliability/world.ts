// The fakes behind their fault proxies, the env that points the CLI at them, and runs that go on until exit 0.
import { rmSync } from 'node:fs';
import { createFakeGoogle, type FakeGoogle } from '../fakes/google/index.js';
import { createFakeNotion, type FakeNotion } from '../fakes/notion/index.js';
import { tempDir } from '../helpers.js';
import {
  boundProjectsNote,
  diffGoogle,
  diffNotion,
  type GoogleShape,
  googleShape,
  missingLines,
  type NotionShape,
  notionShape,
} from './checks.js';
import {
  CLIENT_TIMEOUT_MS,
  type CliRun,
  describeRun,
  HOLD_MS,
  outputProblems,
  outputs,
  type RunOptions,
  runCli,
  type Secret,
  scanSecrets,
  scanTokenShapes,
  tokensIn,
} from './cli.js';
import { FaultProxy, googleIsWrite, type KillPoint, notionIsWrite, type ProxyLogEntry } from './proxy.js';

/** Tokens seen in token-endpoint answers the proxies forwarded (whatever the fakes' own books say). */
const seenTokens = new Set<string>();

/** Folders made for runs (credentials home, user home): removed when the world closes. */
const folders: string[] = [];
const folder = (prefix: string) => {
  const dir = tempDir(prefix);
  folders.push(dir);
  return dir;
};
const removeFolders = () => {
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
};

const commonEnv = (): Record<string, string> => ({
  PARTNERNOMICS_HOME: folder('pn-rel-home-'),
  HOME: folder('pn-rel-user-'),
});

export interface Lane {
  /** This lane's own proxy (its plan, rules and kill point touch no other lane). */
  proxy: FaultProxy;
  close(): Promise<void>;
}

export interface NotionLane extends Lane {
  env(): Record<string, string>;
}

export interface NotionWorld {
  fake: FakeNotion;
  /** A proxy of its own in front of the shared fake (scenarios in parallel each take one). */
  lane(): Promise<NotionLane>;
  secrets(): Secret[];
  close(): Promise<void>;
}

const lanes = new Set<FaultProxy>();

async function proxyFor(name: string, upstream: string, flavor: 'notion' | 'google'): Promise<FaultProxy> {
  const proxy = new FaultProxy({
    name,
    upstream,
    flavor,
    isWrite: flavor === 'notion' ? notionIsWrite : googleIsWrite,
    holdMs: HOLD_MS,
    retryAfterSeconds: 1,
    onUpstreamBody: (_method, path, body) => {
      if (path === '/token') for (const token of tokensIn(body)) seenTokens.add(token);
    },
  });
  await proxy.listen();
  lanes.add(proxy);
  return proxy;
}

async function closeLane(proxy: FaultProxy): Promise<void> {
  lanes.delete(proxy);
  await proxy.close();
}

export async function notionWorld(): Promise<NotionWorld> {
  const fake = createFakeNotion();
  await fake.listen();
  return {
    fake,
    async lane() {
      const proxy = await proxyFor('notion', fake.baseUrl, 'notion');
      return {
        proxy,
        env: () => ({
          ...commonEnv(),
          NOTION_TOKEN: fake.token,
          PARTNERNOMICS_NOTION_URL: proxy.baseUrl,
          PARTNERNOMICS_NOTION_RATE: '500',
          // The Notion SDK's timeout (60 s by default), shortened for the tests: the hold faults hold longer.
          PARTNERNOMICS_NOTION_TIMEOUT_MS: String(CLIENT_TIMEOUT_MS),
        }),
        close: () => closeLane(proxy),
      };
    },
    secrets: () => [{ name: 'Notion integration token', value: fake.token }],
    close: async () => {
      await Promise.all([...lanes].map(closeLane));
      await fake.close();
      removeFolders();
    },
  };
}

export interface GoogleLane extends Lane {
  /** The lane's Google user: a Drive of its own, so its spreadsheets and projects are its scenario's alone. */
  user: string;
  env(): Record<string, string>;
}

export interface GoogleWorld {
  fake: FakeGoogle;
  /** A proxy of its own and a new Google user (with a refresh token) in front of the shared fake. */
  lane(userName: string): Promise<GoogleLane>;
  secrets(): Secret[];
  close(): Promise<void>;
}

/**
 * A clock for the fake that follows real time and moves forward on every read, as Drive's own does: two
 * files created one after the other get createdTimes in that order. (The fake's default clock stands still,
 * so every file has one createdTime and the Sheets lease's "oldest lease wins" falls back to file IDs.)
 */
function tickingClock(): { now(): number } {
  let last = 0;
  return {
    now: () => {
      last = Math.max(Date.now(), last + 1);
      return last;
    },
  };
}

export async function googleWorld(options: { clock?: 'fake' | 'ticking' } = {}): Promise<GoogleWorld> {
  const fake = createFakeGoogle(options.clock === 'ticking' ? { clock: tickingClock() } : {});
  await fake.listen();
  return {
    fake,
    async lane(userName) {
      const proxy = await proxyFor('google', fake.baseUrl, 'google');
      const user = `${userName.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}@example.com`;
      const tokens = fake.issueToken(['drive.file', 'script.projects'], { user });
      return {
        proxy,
        user,
        env: () => ({
          ...commonEnv(),
          GOOGLE_OAUTH_CLIENT_ID: fake.clientId,
          GOOGLE_OAUTH_CLIENT_SECRET: fake.clientSecret,
          GOOGLE_REFRESH_TOKEN: tokens.refreshToken,
          PARTNERNOMICS_GOOGLE_URL: `${proxy.baseUrl}/`,
          PARTNERNOMICS_GOOGLE_TOKEN_URL: `${proxy.baseUrl}/token`,
          // Being added with the Google timeout fix; the hold faults hold longer than this.
          PARTNERNOMICS_GOOGLE_TIMEOUT_MS: String(CLIENT_TIMEOUT_MS),
          // Shorter first back-off (1 s in production) and lease polling (5 s): Retry-After is honoured as sent.
          PARTNERNOMICS_GOOGLE_RETRY_BASE_MS: '250',
          PARTNERNOMICS_GOOGLE_LEASE_POLL_MS: '500',
        }),
        close: () => closeLane(proxy),
      };
    },
    secrets: () => [
      { name: 'Google OAuth client secret', value: fake.clientSecret },
      ...[...fake.state.auth.refreshTokens.keys()].map((value) => ({ name: 'Google refresh token', value })),
      ...[...fake.state.auth.accessTokens.keys()].map((value) => ({ name: 'Google access token', value })),
      ...[...seenTokens].map((value) => ({ name: 'token from the token endpoint', value })),
    ],
    close: async () => {
      await Promise.all([...lanes].map(closeLane));
      await fake.close();
      removeFolders();
    },
  };
}

/** A secrets scan over every output of this test file, as one failure message (empty when clean). */
export function secretsReport(secrets: Secret[]): string {
  const leaks = [...scanSecrets(outputs, secrets), ...scanTokenShapes(outputs)];
  const unique = [...new Map(leaks.map((l) => [`${l.secret}|${l.form}|${l.where}`, l])).values()];
  return unique
    .slice(0, 20)
    .map((l) => `${l.secret} (${l.form}) in ${l.where}`)
    .join('\n');
}

// ---------------------------------------------------------------- series of runs

export interface Series {
  /** Every run of the series, in order. */
  runs: CliRun[];
  /** What went wrong, one line each: empty when the series ended in exactly the clean-install state. */
  problems: string[];
  /** The final difference from the clean install. */
  diff: string[];
  /** What the series' `note` said of the end state (e.g. the bound Apps Script projects, counted). */
  notes: string[];
}

export interface SeriesOptions<Shape> {
  label: string;
  args: string[];
  env: () => Record<string, string>;
  /** The workspace now, and how it differs from the clean install. */
  shape: () => Shape;
  diff: (shape: Shape) => string[];
  /** A line about the end state that is not a difference, for reports and tallies. */
  note?: (shape: Shape) => string;
  /** The proxy the runs go through: each run's traffic is taken from its log. */
  proxy?: FaultProxy;
  /** Runs after the first (or after the kill) until one exits 0. */
  maxReruns: number;
  kill?: { proxy: FaultProxy; point: KillPoint };
  /** Kill points for reruns 1, 2, … counted from the start of that rerun (same proxy as `kill`). */
  rerunKills?: KillPoint[];
  /** Called before rerun n (1-based), e.g. to stop injecting faults. */
  beforeRerun?: (n: number) => void;
  /** How long one run may take before it counts as hung (default RUN_LIMIT_MS). */
  runLimitMs?: number;
}

/**
 * Runs the CLI (killed at a point, or under faults), then reruns it until one run exits 0. Every run that
 * exits 0 must leave a complete workspace (checked the moment it exits); the last must leave exactly the
 * clean-install state.
 */
export async function runSeries<Shape>(options: SeriesOptions<Shape>): Promise<Series> {
  const runs: CliRun[] = [];
  const problems: string[] = [];
  let lastFrom = 0;
  const once = async (n: number, kill?: RunOptions['kill']) => {
    let atExit: string[] | undefined;
    const from = options.proxy?.log.length ?? 0;
    lastFrom = from;
    const run = await runCli(options.args, {
      env: options.env(),
      label: `${options.label} run ${n}`,
      ...(kill ? { kill } : {}),
      ...(options.runLimitMs ? { limitMs: options.runLimitMs } : {}),
      onExit: (code) => {
        if (code === 0) atExit = options.diff(options.shape());
      },
    });
    if (options.proxy) {
      const mine = options.proxy.log.slice(from);
      const firstWrite = mine.findIndex((e) => e.writeIndex !== undefined);
      const kinds = new Map<string, number>();
      for (const e of mine) kinds.set(endpoint(e), (kinds.get(endpoint(e)) ?? 0) + 1);
      run.traffic = {
        top: [...kinds]
          .sort((a, b) => b[1] - a[1])
          .slice(0, 3)
          .map(([k, n]) => `${k} ×${n}`)
          .join(', '),
        requests: mine.length,
        writes: mine.filter((e) => e.writeIndex !== undefined).length,
        beforeFirstWrite: firstWrite === -1 ? mine.length : firstWrite,
      };
    }
    runs.push(run);
    const missing = atExit ? missingLines(atExit) : [];
    if (run.code === 0 && missing.length)
      problems.push(`run ${n} exited 0 with an INCOMPLETE workspace: ${missing.join('; ')}`);
    if (run.hung) problems.push(`run ${n} hung: ${describeRun(run)}`);
    for (const problem of outputProblems(run)) problems.push(`run ${n} (exit ${run.code}) ${problem}`);
    return run;
  };
  const killed = async (n: number, point: KillPoint | undefined) => {
    const proxy = options.kill?.proxy;
    if (!proxy || !point) return once(n);
    // Positions count from the start of this run.
    const offset = point.count === 'writes' ? proxy.writeCount : proxy.log.length;
    const run = await once(n, { proxy, point: { ...point, at: point.at + offset } });
    // A rerun may have nothing left to write: only the first run must reach its kill point.
    if (!run.killedAt && n === 1)
      problems.push(
        `run ${n}: the kill point (${point.count.slice(0, -1)} #${point.at} of the run, ${point.when}) was never reached: ${describeRun(run)}`,
      );
    return run;
  };
  let last = await killed(1, options.kill?.point);
  for (let n = 1; n <= options.maxReruns && last.code !== 0; n++) {
    options.beforeRerun?.(n);
    last = await killed(n + 1, options.rerunKills?.[n - 1]);
  }
  // A request held past the client's timeout may land after the run sent its last request (the process may
  // even wait for it before exiting): nothing in that run could see it, so the next run must clean up.
  const proxy = options.proxy;
  if (proxy && last.code === 0) {
    await proxy.settle();
    const mine = proxy.log.slice(lastFrom);
    const late = mine.filter(
      (e) =>
        e.fault === 'hold-before' &&
        e.appliedAt !== undefined &&
        mine.every((other) => other === e || other.at < e.appliedAt!),
    );
    if (late.length) {
      last = await once(runs.length + 1);
      runs.at(-1)!.label +=
        ` (a later run: ${late.map((e) => `${endpoint(e)} #${e.position}`).join(', ')} landed after run ${runs.length - 1} sent its last request)`;
    }
  }
  if (last.code !== 0)
    problems.push(`no run exited 0 after ${options.maxReruns} reruns; the last: ${describeRun(last)}`);
  const end = options.shape();
  const diff = options.diff(end);
  if (diff.length) problems.push(`end state differs from a clean install:\n    ${diff.join('\n    ')}`);
  return { runs, problems, diff, notes: options.note ? [options.note(end)] : [] };
}

/** The failure message of a series: the scenario, every run, every problem. */
export function report(scenario: string, series: Series): string {
  return [
    `${scenario}:`,
    ...series.problems.map((p) => `  ✗ ${p}`),
    ...series.notes.map((n) => `  note: ${n}`),
    '  runs:',
    ...series.runs.map((r) => `    ${describeRun(r)}`),
  ].join('\n');
}

// ---------------------------------------------------------------- clean references

export function notionSeries(
  world: NotionWorld,
  lane: NotionLane,
  root: string,
  expected: NotionShape,
  extra: Partial<SeriesOptions<NotionShape>> & { label: string; maxReruns: number },
): Promise<Series> {
  return runSeries<NotionShape>({
    args: ['--json', 'install', '--target', 'notion', '--root', root],
    env: () => lane.env(),
    proxy: lane.proxy,
    shape: () => notionShape(world.fake, root),
    diff: (shape) => diffNotion(expected, shape),
    ...extra,
  });
}

export function googleSeries(
  world: GoogleWorld,
  lane: GoogleLane,
  expected: GoogleShape,
  extra: Partial<SeriesOptions<GoogleShape>> & { label: string; maxReruns: number },
): Promise<Series> {
  return runSeries<GoogleShape>({
    args: ['--json', 'install', '--target', 'sheets'],
    env: () => lane.env(),
    proxy: lane.proxy,
    shape: () => googleShape(world.fake, lane.user),
    diff: (shape) => diffGoogle(expected, shape),
    note: (shape) => {
      const book = [...shape.workbooks].sort((a, b) => b.tabs.length - a.tabs.length)[0];
      return book ? boundProjectsNote(book) : 'no workbook';
    },
    ...extra,
  });
}

/** A clean install through a proxy (no faults): its end state, and the requests it made. */
export async function cleanNotion(world: NotionWorld, root: string) {
  const lane = await world.lane();
  const run = await runCli(['--json', 'install', '--target', 'notion', '--root', root], {
    env: lane.env(),
    label: 'clean Notion install',
  });
  if (run.code !== 0) throw new Error(`the clean Notion install failed: ${describeRun(run)}`);
  const log = [...lane.proxy.log];
  await lane.close();
  return { shape: notionShape(world.fake, root), log, run };
}

export async function cleanGoogle(world: GoogleWorld) {
  const lane = await world.lane('reference');
  const run = await runCli(['--json', 'install', '--target', 'sheets'], {
    env: lane.env(),
    label: 'clean Sheets install',
  });
  if (run.code !== 0) throw new Error(`the clean Sheets install failed: ${describeRun(run)}`);
  const log = [...lane.proxy.log];
  await lane.close();
  const shape = googleShape(world.fake, lane.user);
  if (shape.spreadsheets !== 1 || shape.workbooks[0]?.boundScripts !== 1)
    throw new Error(`the clean Sheets install left ${JSON.stringify(shape)}`);
  return { shape, log, run };
}

/** "POST /v1/pages", "PATCH /v1/blocks/:id/children": a request with its IDs taken out. */
export function endpoint(entry: Pick<ProxyLogEntry, 'method' | 'path'>): string {
  return `${entry.method} ${entry.path.replace(/\/[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}/gi, '/:id').replace(/\/(spreadsheets|projects|files)\/[^/:]+/g, '/$1/:id')}`;
}

/**
 * `count` write positions of a clean run's log: the first writes (hub, registry, first database), the first
 * write of every kind of request, the last write, and the rest spread evenly in between.
 */
export function killPositions(
  log: readonly ProxyLogEntry[],
  count: number,
): { at: number; request: string }[] {
  const writes = log.filter((e) => e.writeIndex !== undefined);
  const chosen = new Set<number>();
  const total = writes.length;
  for (const n of [1, 2, 3, total]) if (n >= 1 && n <= total) chosen.add(n);
  const seenKinds = new Set<string>();
  for (const w of writes) {
    const kind = endpoint(w);
    if (!seenKinds.has(kind)) {
      seenKinds.add(kind);
      chosen.add(w.writeIndex!);
    }
  }
  for (let i = 1; chosen.size < Math.min(count, total) && i < 10 * count; i++) {
    const step = Math.max(1, Math.round((i * total) / (count + 1)));
    chosen.add(Math.min(total, step));
    if (chosen.size < Math.min(count, total) && i > count) chosen.add(1 + ((i * 7) % total));
  }
  return [...chosen].sort((a, b) => a - b).map((at) => ({ at, request: endpoint(writes[at - 1]!) }));
}
