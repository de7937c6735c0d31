import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SinkRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface LoopbackSink {
  url: string;
  requests: SinkRequest[];
  /** how many requests carried a key (read by `keyOf`) that an earlier request carried */
  duplicates: () => number;
  close: () => Promise<void>;
}

/**
 * A real HTTP server on 127.0.0.1 standing in for an SMS gateway, the WeChat API or a webhook
 * receiver. `respond` decides each answer (status, body, delay); by default every request gets
 * 200 `{"ok":true}`. Requests are recorded in arrival order.
 */
export async function startLoopbackSink(
  options: {
    respond?: (
      req: SinkRequest,
      index: number,
    ) => { status?: number; body?: string; delayMs?: number };
    keyOf?: (req: SinkRequest) => string | undefined;
  } = {},
): Promise<LoopbackSink> {
  const requests: SinkRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const recorded: SinkRequest = {
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(recorded);
      const answer = options.respond?.(recorded, requests.length - 1) ?? {};
      const send = () => {
        res.writeHead(answer.status ?? 200, { 'content-type': 'application/json' });
        res.end(answer.body ?? '{"ok":true}');
      };
      if (answer.delayMs) setTimeout(send, answer.delayMs);
      else send();
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    duplicates() {
      const seen = new Set<string>();
      let dup = 0;
      for (const r of requests) {
        const key = options.keyOf?.(r);
        if (key === undefined) continue;
        if (seen.has(key)) dup += 1;
        seen.add(key);
      }
      return dup;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
