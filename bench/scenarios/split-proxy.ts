// The naive baseline of an install: a proxy in front of a fake that sends every block, or every Sheets request, in a call of its own.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * `notion`: a page create with children becomes the create and one append per top-level block; an append
 * of n blocks becomes n appends (nested children travel with their block, as the API allows).
 * `google`: a spreadsheets.batchUpdate of n requests becomes n batchUpdates of one request.
 * Everything else is forwarded as it is. The fake behind counts what arrives.
 */
export async function startSplitProxy(
  target: string,
  mode: 'notion' | 'google',
): Promise<{ url: string; close(): Promise<void> }> {
  const base = new URL(target);
  const origin = `${base.protocol}//${base.host}`;
  const send = async (method: string, path: string, headers: Headers, body: string): Promise<Answer> => {
    const res = await fetch(`${origin}${path}`, {
      method,
      headers,
      ...(method === 'GET' || method === 'HEAD' ? {} : { body }),
    });
    const out: Record<string, string> = {};
    res.headers.forEach((v, k) => {
      if (!['content-length', 'content-encoding', 'transfer-encoding', 'connection'].includes(k)) out[k] = v;
    });
    return { status: res.status, headers: out, body: await res.text() };
  };

  const notion = async (req: IncomingMessage, path: string, headers: Headers, raw: string) => {
    const append = /^\/v1\/blocks\/([^/?]+)\/children/.exec(path);
    const json = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    const children = Array.isArray(json.children) ? (json.children as unknown[]) : [];
    if (req.method === 'PATCH' && append && children.length > 1) {
      const results: unknown[] = [];
      let last: Answer | null = null;
      let after: string | null = null;
      for (const child of children) {
        const body: Record<string, unknown> = { ...json, children: [child] };
        if (after && json.position) body.position = { type: 'after_block', after_block: { id: after } };
        if (after && json.after) body.after = after;
        last = await send('PATCH', path, headers, JSON.stringify(body));
        if (last.status >= 300) return last;
        const got = JSON.parse(last.body) as { results?: { id: string }[] };
        results.push(...(got.results ?? []));
        after = got.results?.at(-1)?.id ?? after;
      }
      return { ...last!, body: JSON.stringify({ ...JSON.parse(last!.body), results }) };
    }
    if (req.method === 'POST' && path.split('?')[0] === '/v1/pages' && children.length > 0) {
      const { children: _, ...bare } = json;
      const created = await send('POST', path, headers, JSON.stringify(bare));
      if (created.status >= 300) return created;
      const pageId = (JSON.parse(created.body) as { id: string }).id;
      for (const child of children) {
        const appended = await send(
          'PATCH',
          `/v1/blocks/${pageId}/children`,
          headers,
          JSON.stringify({ children: [child] }),
        );
        if (appended.status >= 300) return appended;
      }
      return created;
    }
    return send(req.method ?? 'GET', path, headers, raw);
  };

  const google = async (req: IncomingMessage, path: string, headers: Headers, raw: string) => {
    const json = raw && /:batchUpdate/.test(path) ? (JSON.parse(raw) as Record<string, unknown>) : {};
    const requests = Array.isArray(json.requests) ? (json.requests as unknown[]) : [];
    if (req.method === 'POST' && /^\/v4\/spreadsheets\/[^/]+:batchUpdate/.test(path) && requests.length > 1) {
      const replies: unknown[] = [];
      let last: Answer | null = null;
      for (const request of requests) {
        last = await send('POST', path, headers, JSON.stringify({ ...json, requests: [request] }));
        if (last.status >= 300) return last;
        replies.push(...((JSON.parse(last.body) as { replies?: unknown[] }).replies ?? []));
      }
      return { ...last!, body: JSON.stringify({ ...JSON.parse(last!.body), replies }) };
    }
    return send(req.method ?? 'GET', path, headers, raw);
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers))
        if (v !== undefined && !['host', 'content-length', 'connection'].includes(k))
          headers.set(k, Array.isArray(v) ? v.join(', ') : v);
      const path = req.url ?? '/';
      (mode === 'notion' ? notion : google)(req, path, headers, raw)
        .then((answer) => {
          res.writeHead(answer.status, answer.headers);
          res.end(answer.body);
        })
        .catch((error: unknown) => {
          res.writeHead(502, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ object: 'error', status: 502, message: String(error) }));
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const path = base.pathname === '/' ? '' : base.pathname.replace(/\/$/, '');
  return {
    url: `http://127.0.0.1:${port}${path}${target.endsWith('/') ? '/' : ''}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
