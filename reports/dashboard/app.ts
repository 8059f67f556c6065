// The dashboard's HTTP app: the page and its self-hosted assets, live cluster status (JSON and
// an SSE stream), writes and KV calls passed through to the gateway, key metrics, and the run
// reports (a run without index.html is rendered on first request).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express from 'express';
import type { ClusterConfig } from '../../cluster/config.ts';
import { gatewayUrl } from '../../cluster/config.ts';
import { indexHtml } from '../html/index-page.ts';
import { listRuns } from '../model/run-list.ts';
import { ReportError } from '../errors.ts';
import { renderRun } from '../render-run.ts';
import type { ClusterPoller } from './cluster-poller.ts';
import { askPrometheus, promqlExamples, scrapeNodes } from './metrics-source.ts';

export interface DashboardDeps {
  readonly config: ClusterConfig;
  readonly poller: ClusterPoller;
  readonly runsDir: string;
  readonly prometheusUrl: string;
  readonly grafanaUrl: string;
}

const publicDir = new URL('./public/', import.meta.url).pathname;
const uplotDir = new URL('../../node_modules/uplot/dist/', import.meta.url).pathname;
const pageCsp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";
const reportCsp = "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";
const runIdPattern = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function createDashboardApp(d: DashboardDeps): express.Express {
  const app = express();
  const gw = gatewayUrl(d.config);
  app.disable('x-powered-by');
  // The page loads only its own script and styles and talks only to this server; the stored
  // reports under /runs carry their scripts and styles inline (they work as files), so they get
  // those and nothing more. Cluster values are put in the page as text either way.
  app.use((req, res, next) => {
    res.setHeader('content-security-policy', req.path.startsWith('/runs') ? reportCsp : pageCsp);
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    next();
  });
  app.use(express.json({ limit: '1mb' }));

  app.get('/', (_req, res) => res.sendFile(join(publicDir, 'index.html')));
  app.use('/assets', express.static(publicDir));
  app.use('/assets/uplot', express.static(uplotDir));

  app.get('/api/config', (_req, res) => {
    res.json({
      gatewayUrl: gw, nodes: d.config.nodes.map((n) => ({ id: n.id, url: n.url })), prometheusUrl: d.prometheusUrl,
      grafanaUrl: d.grafanaUrl, promql: promqlExamples,
    });
  });

  app.get('/api/cluster', (_req, res) => {
    if (d.poller.latest === null) { res.status(503).json({ error: 'no poll has finished yet', code: 'NOT_READY' }); return; }
    res.json(d.poller.latest);
  });

  // Server-sent events: one `status` event per poll; the browser's EventSource reconnects itself.
  app.get('/api/cluster/stream', (req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const send = (s: unknown) => res.write(`event: status\ndata: ${JSON.stringify(s)}\n\n`);
    if (d.poller.latest) send(d.poller.latest);
    const off = d.poller.subscribe(send);
    req.on('close', off);
  });

  app.get('/api/metrics', async (_req, res) => {
    const [prometheus, nodes] = await Promise.all([askPrometheus(d.prometheusUrl), scrapeNodes(d.config)]);
    res.json({ prometheus, nodes });
  });

  // Client calls go through the gateway, exactly as any client's would, with the token the
  // browser's user gave (the page asks for one before a write): never the dashboard's own, which
  // would let anyone who reaches this port write. An empty header keeps the credentials layer
  // (cluster/common/client-credentials.ts) from adding the cluster's admin token.
  const forward = async (req: express.Request, res: express.Response, path: string, init: RequestInit) => {
    const given = req.headers.authorization;
    try {
      const headers = { ...(init.headers as Record<string, string> | undefined), authorization: typeof given === 'string' ? given : '' };
      const r = await fetch(`${gw}${path}`, { ...init, headers, signal: AbortSignal.timeout(10_000) });
      const text = await r.text();
      res.status(r.status).type(r.headers.get('content-type') ?? 'application/json').send(text);
    } catch (err) {
      const e = err as { cause?: { code?: string }; message?: string };
      res.status(502).json({ error: `the gateway at ${gw} is not reachable (${e.cause?.code ?? e.message})`, code: 'GATEWAY_UNREACHABLE' });
    }
  };
  const json = (body: unknown): RequestInit => ({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  app.post('/api/write', (req, res) => forward(req, res, '/api/write', { method: 'POST', ...json(req.body ?? {}) }));
  app.get('/api/entries/:id', (req, res) => forward(req, res, `/api/entries/${encodeURIComponent(req.params.id)}`, {}));
  app.get('/api/kv/:key', (req, res) => forward(req, res, `/api/kv/${encodeURIComponent(req.params.key)}`, {}));
  app.put('/api/kv/:key', (req, res) => forward(req, res, `/api/kv/${encodeURIComponent(req.params.key)}`, { method: 'PUT', ...json(req.body ?? {}) }));

  app.get('/api/runs', (_req, res) => res.json(listRuns(d.runsDir)));

  // The runs index is built per request (never stale); a run's report is rendered when missing.
  app.get('/runs/', (_req, res) => res.type('html').send(indexHtml(listRuns(d.runsDir))));
  app.get('/runs/:id/index.html', (req, res, next) => {
    const id = req.params.id;
    const dir = join(d.runsDir, id);
    if (!runIdPattern.test(id) || !existsSync(dir)) { res.status(404).json({ error: `no run ${id}`, code: 'RUN_NOT_FOUND' }); return; }
    try {
      if (!existsSync(join(dir, 'index.html'))) renderRun(dir, { index: false });
    } catch (err) {
      // A folder whose files do not match their schemas is bad input (422), not a server fault.
      if (err instanceof ReportError && err.code === 'RUN_MALFORMED') res.status(422).json({ error: `run ${id} is malformed: ${err.message}`, code: err.code });
      else res.status(500).json({ error: `could not render ${id}: ${(err as Error).message}`, code: 'RENDER_FAILED' });
      return;
    }
    next();
  });
  app.use('/runs', express.static(d.runsDir, { index: false }));

  app.use((_req, res) => res.status(404).json({ error: 'not found', code: 'NOT_FOUND' }));
  app.use((err: Error & { status?: number; type?: string }, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    const status = err.status && err.status >= 400 && err.status < 500 ? err.status : 500;
    res.status(status).json({ error: status === 500 ? 'internal error' : err.message, code: status === 400 ? 'BAD_REQUEST' : status === 413 ? 'PAYLOAD_TOO_LARGE' : 'INTERNAL' });
  });
  return app;
}
