// Drive's `q` search language: and/or/not, parentheses, = != < > contains, 'x' in parents, appProperties has {…}.
import { apiError } from './errors.js';

/** What a query term can see of a file. */
export interface QueryableFile {
  name: string;
  mimeType: string;
  trashed: boolean;
  starred: boolean;
  parents: string[];
  owners: string[];
  createdTime: string;
  modifiedTime: string;
  appProperties: Record<string, string>;
  properties: Record<string, string>;
}

export type Predicate = (file: QueryableFile) => boolean;

/** Drive's answer to a query it cannot parse: 400 "Invalid Value", reason invalid, location q. */
export function invalidQuery(): Error {
  return apiError('drive', 400, 'Invalid Value', {
    reason: 'invalid',
    location: 'q',
    locationType: 'parameter',
  });
}

type Token = { kind: 'string' | 'word' | 'op' | 'punct'; text: string };

function tokenize(q: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < q.length) {
    const ch = q[i]!;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (ch === "'") {
      let text = '';
      i++;
      while (i < q.length && q[i] !== "'") {
        if (q[i] === '\\' && i + 1 < q.length) i++;
        text += q[i];
        i++;
      }
      if (i >= q.length) throw invalidQuery();
      i++;
      tokens.push({ kind: 'string', text });
      continue;
    }
    const two = q.slice(i, i + 2);
    if (two === '!=' || two === '<=' || two === '>=') {
      tokens.push({ kind: 'op', text: two });
      i += 2;
      continue;
    }
    if ('=<>'.includes(ch)) {
      tokens.push({ kind: 'op', text: ch });
      i++;
      continue;
    }
    if ('(){}'.includes(ch)) {
      tokens.push({ kind: 'punct', text: ch });
      i++;
      continue;
    }
    const word = /^[A-Za-z0-9_.:+-]+/.exec(q.slice(i));
    if (!word) throw invalidQuery();
    tokens.push({ kind: 'word', text: word[0] });
    i += word[0].length;
  }
  return tokens;
}

const STRING_FIELDS = new Set(['name', 'mimeType']);
const TIME_FIELDS = new Set(['createdTime', 'modifiedTime']);
const BOOL_FIELDS = new Set(['trashed', 'starred']);

function compare(op: string, a: string, b: string): boolean {
  switch (op) {
    case '=':
      return a === b;
    case '!=':
      return a !== b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    default:
      throw invalidQuery();
  }
}

/** Compiles a `q` string into a predicate; throws Drive's 400 for anything it cannot parse. */
export function compileQuery(q: string | null | undefined): Predicate {
  if (!q?.trim()) return () => true;
  const tokens = tokenize(q);
  let pos = 0;
  const peek = () => tokens[pos];
  const take = () => {
    const t = tokens[pos++];
    if (!t) throw invalidQuery();
    return t;
  };
  const keyword = (word: string) => peek()?.kind === 'word' && peek()!.text.toLowerCase() === word;
  const expect = (kind: Token['kind'], text?: string) => {
    const t = take();
    if (t.kind !== kind || (text !== undefined && t.text !== text)) throw invalidQuery();
    return t;
  };

  const hasClause = (field: 'appProperties' | 'properties'): Predicate => {
    expect('punct', '{');
    const pairs: Record<string, string> = {};
    for (;;) {
      const name = expect('word').text;
      expect('op', '=');
      pairs[name] = expect('string').text;
      if (keyword('and')) {
        take();
        continue;
      }
      break;
    }
    expect('punct', '}');
    const keys = Object.keys(pairs);
    if (!keys.every((k) => k === 'key' || k === 'value') || pairs.key === undefined) throw invalidQuery();
    const { key, value } = pairs;
    return (f) => Object.hasOwn(f[field], key!) && (value === undefined || f[field][key!] === value);
  };

  const term = (): Predicate => {
    const t = peek();
    if (!t) throw invalidQuery();
    if (t.kind === 'punct' && t.text === '(') {
      take();
      const inner = orExpr();
      expect('punct', ')');
      return inner;
    }
    if (keyword('not')) {
      take();
      const inner = term();
      return (f) => !inner(f);
    }
    if (t.kind === 'string') {
      const value = take().text;
      if (!keyword('in')) throw invalidQuery();
      take();
      const field = expect('word').text;
      if (field === 'parents') return (f) => f.parents.includes(value);
      if (field === 'owners' || field === 'writers' || field === 'readers')
        return (f) => f.owners.includes(value);
      throw invalidQuery();
    }
    const field = expect('word').text;
    if (field === 'appProperties' || field === 'properties') {
      if (!keyword('has')) throw invalidQuery();
      take();
      return hasClause(field);
    }
    if (keyword('contains')) {
      take();
      const value = expect('string').text;
      if (field === 'name') return (f) => f.name.toLowerCase().includes(value.toLowerCase());
      if (field === 'mimeType') return (f) => f.mimeType.includes(value);
      throw invalidQuery();
    }
    const op = expect('op').text;
    if (BOOL_FIELDS.has(field)) {
      if (op !== '=' && op !== '!=') throw invalidQuery();
      const v = expect('word').text;
      if (v !== 'true' && v !== 'false') throw invalidQuery();
      const want = v === 'true';
      return (f) => (f[field as 'trashed' | 'starred'] === want) === (op === '=');
    }
    if (STRING_FIELDS.has(field)) {
      if (op !== '=' && op !== '!=') throw invalidQuery();
      const v = expect('string').text;
      return (f) => compare(op, f[field as 'name' | 'mimeType'], v);
    }
    if (TIME_FIELDS.has(field)) {
      const v = expect('string').text;
      const when = Date.parse(v);
      if (Number.isNaN(when)) throw invalidQuery();
      const iso = new Date(when).toISOString();
      return (f) => compare(op, f[field as 'createdTime' | 'modifiedTime'], iso);
    }
    throw invalidQuery();
  };

  const andExpr = (): Predicate => {
    let left = term();
    while (keyword('and')) {
      take();
      const right = term();
      const l = left;
      left = (f) => l(f) && right(f);
    }
    return left;
  };

  const orExpr = (): Predicate => {
    let left = andExpr();
    while (keyword('or')) {
      take();
      const right = andExpr();
      const l = left;
      left = (f) => l(f) || right(f);
    }
    return left;
  };

  const predicate = orExpr();
  if (pos !== tokens.length) throw invalidQuery();
  return predicate;
}
