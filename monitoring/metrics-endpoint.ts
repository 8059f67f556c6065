// A short-lived process (a chaos run, a benchmark) as a Prometheus target: its registry served on
// /metrics, and a file_sd targets file that the Prometheus of `just monitoring` (and the test's)
// picks up within its refresh interval. At the end, `finish` holds the endpoint open until one
// more scrape has read the final values, so the end state of a run is in the TSDB.
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Registry } from 'prom-client';

export interface MetricsEndpointOptions {
  readonly registry: Registry;
  /** The Prometheus job whose targets file names this process: targets/<job>.json. */
  readonly job: 'chaos-runner' | 'bench';
  /** Where Prometheus's targets files live (`<data dir>/monitoring/targets`); null: not registered. */
  readonly targetsDir: string | null;
  readonly host?: string;
  /** 0 (the default) picks a free port; the targets file says which. */
  readonly port?: number;
}

export class MetricsEndpoint {
  private server: Server | null = null;
  private scrapes = 0;
  private waiters: (() => void)[] = [];
  url = '';

  constructor(private readonly o: MetricsEndpointOptions) {}

  get targetsFile(): string | null {
    return this.o.targetsDir === null ? null : join(this.o.targetsDir, `${this.o.job}.json`);
  }

  async start(): Promise<string> {
    const host = this.o.host ?? '127.0.0.1';
    this.server = createServer((req, res) => {
      if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'only GET /metrics is served here', code: 'NOT_FOUND' }));
        return;
      }
      this.o.registry.metrics().then((text) => {
        res.writeHead(200, { 'content-type': this.o.registry.contentType }).end(text);
        this.scrapes++;
        for (const w of this.waiters.splice(0)) w();
      }, (err: Error) => {
        res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: err.message, code: 'METRICS_FAILED' }));
      });
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.o.port ?? 0, host, () => resolve());
    });
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://${host}:${port}/metrics`;
    const file = this.targetsFile;
    if (file !== null) {
      mkdirSync(this.o.targetsDir!, { recursive: true });
      // Atomic, so Prometheus's file watcher never reads half a file.
      writeFileSync(`${file}.tmp`, `${JSON.stringify([{ targets: [`${host}:${port}`], labels: { __node_id: this.o.job } }], null, 2)}\n`);
      renameSync(`${file}.tmp`, file);
    }
    return this.url;
  }

  /** Scrapes served so far. */
  scrapeCount(): number {
    return this.scrapes;
  }

  /**
   * Waits (at most `timeoutMs`) for one scrape after this call, so the final values are stored;
   * returns at once when nothing has ever scraped this process (no Prometheus is watching).
   */
  async finish(timeoutMs: number): Promise<boolean> {
    if (this.server === null || this.scrapes === 0) return false;
    let timer: NodeJS.Timeout | undefined;
    const scraped = await Promise.race([
      new Promise<boolean>((r) => this.waiters.push(() => r(true))),
      new Promise<boolean>((r) => { timer = setTimeout(() => r(false), timeoutMs); }),
    ]);
    clearTimeout(timer);
    return scraped;
  }

  /**
   * Stops serving and withdraws the target (an empty list: file_sd drops a deleted file's
   * targets only on its next full refresh), so Prometheus does not keep scraping a dead port.
   */
  async close(): Promise<void> {
    const file = this.targetsFile;
    if (file !== null && existsSync(file)) { writeFileSync(`${file}.tmp`, '[]\n'); renameSync(`${file}.tmp`, file); }
    const s = this.server;
    this.server = null;
    if (s) await new Promise<void>((r) => { s.close(() => r()); s.closeAllConnections(); });
  }
}
