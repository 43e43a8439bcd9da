// Google's `fields` partial-response masks ("a,b(c,d),e/f", Sheets also "sheets.properties") applied to JSON.

/** A parsed mask: `true` keeps the whole value, a nested mask keeps part of it. */
export type FieldMask = Map<string, FieldMask | true>;

/** Parses "files(id,name),nextPageToken" / "sheets.properties.title" / "*". Throws on unbalanced parens. */
export function parseFields(text: string): FieldMask {
  let i = 0;
  const parseList = (): FieldMask => {
    const mask: FieldMask = new Map();
    while (i < text.length) {
      const path: string[] = [];
      let name = '';
      while (i < text.length && !',()'.includes(text[i]!)) {
        const ch = text[i]!;
        if (ch === '/' || ch === '.') {
          path.push(name.trim());
          name = '';
        } else name += ch;
        i++;
      }
      path.push(name.trim());
      let leaf: FieldMask | true = true;
      if (text[i] === '(') {
        i++;
        leaf = parseList();
        if (text[i] !== ')') throw new Error(`Invalid field selection ${text}`);
        i++;
      }
      const empty = path.length === 1 && path[0] === '' && leaf === true;
      if (!empty && path.some((p) => p === '')) throw new Error(`Invalid field selection ${text}`);
      if (!empty) insert(mask, path, leaf);
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === ')') return mask;
    }
    return mask;
  };
  const mask = parseList();
  if (i < text.length) throw new Error(`Invalid field selection ${text}`);
  return mask;
}

function insert(mask: FieldMask, path: string[], leaf: FieldMask | true): void {
  const [head, ...rest] = path;
  if (head === undefined) return;
  const existing = mask.get(head);
  if (rest.length === 0) {
    if (leaf === true || existing === true) mask.set(head, true);
    else if (existing) for (const [k, v] of leaf) insert(existing, [k], v);
    else mask.set(head, leaf);
    return;
  }
  if (existing === true) return;
  const child: FieldMask = existing ?? new Map();
  mask.set(head, child);
  insert(child, rest, leaf);
}

/** Keeps only what `mask` selects; arrays are masked element by element, "*" keeps a level whole. */
export function applyFields<T>(value: T, mask: FieldMask): T {
  if (mask.has('*') && mask.size === 1) return value;
  if (Array.isArray(value)) return value.map((v) => applyFields(v, mask)) as T;
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, sub] of mask) {
    if (key === '*') return value;
    const v = (value as Record<string, unknown>)[key];
    if (v === undefined) continue;
    out[key] = sub === true ? v : applyFields(v, sub);
  }
  return out as T;
}

/** Whether the mask selects `path` (or something under it), e.g. selects(mask, ['sheets', 'data']). */
export function selects(mask: FieldMask, path: readonly string[]): boolean {
  let level: FieldMask | true = mask;
  for (const key of path) {
    if (level === true) return true;
    if (level.has('*')) return true;
    const next: FieldMask | true | undefined = level.get(key);
    if (next === undefined) return false;
    level = next;
  }
  return true;
}
