// A tiny static server on 127.0.0.1 (random port) for the browser test: the page, the bundle, the
// case list and the proof bytes. Two page addresses: `/` (an ordinary page: no SharedArrayBuffer)
// and `/isolated.html` (cross-origin isolated through COOP/COEP headers, so SharedArrayBuffer and
// shared WebAssembly memory exist and the field kernels take their shared-memory path).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Served {
  readonly bundle: string;
  readonly casesJson: string;
  readonly proofs: readonly Uint8Array[];
}

const PAGE = '<!doctype html><meta charset="utf-8"><title>zkinfer browser verifier test</title><link rel="icon" href="data:,"><script type="module" src="/bundle.js"></script>';

export interface RunningServer {
  readonly origin: string;
  /** Every path requested, in order (lets the test check the page fetched what it verified). */
  readonly requests: string[];
  close(): Promise<void>;
}

export async function serve(content: Served): Promise<RunningServer> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    requests.push(path);
    const send = (type: string, body: string | Uint8Array, headers: Record<string, string> = {}) => {
      res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store', ...headers });
      res.end(body);
    };
    const proof = /^\/proof\/(\d+)$/.exec(path);
    if (path === '/') send('text/html', PAGE);
    else if (path === '/isolated.html') send('text/html', PAGE, { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' });
    else if (path === '/bundle.js') send('text/javascript', content.bundle);
    else if (path === '/cases.json') send('application/json', content.casesJson);
    else if (proof !== null && Number(proof[1]) < content.proofs.length) send('application/octet-stream', content.proofs[Number(proof[1])]);
    else {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
