import type { IncomingMessage, ServerResponse } from 'node:http';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { CircuitName, NodeClient } from './node-client.ts';

const circuitValue: Record<CircuitName, number> = { closed: 0, 'half-open': 1, open: 2, isolated: 3 };

/** The gateway's own Prometheus registry (never the global one: tests start several gateways). */
export class GatewayMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'gateway_http_requests_total', help: 'Client requests by route, method and answered status',
    labelNames: ['route', 'method', 'status'] as const, registers: [this.registry],
  });
  readonly latency = new Histogram({
    name: 'gateway_http_request_duration_seconds', help: 'Client request latency, arrival to answer',
    labelNames: ['route', 'method'] as const, registers: [this.registry],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  });
  readonly retries = new Counter({
    name: 'gateway_retries_total', help: 'Forwarding attempts after the first, by what made the previous one fail',
    labelNames: ['reason'] as const, registers: [this.registry],
  });
  readonly failovers = new Counter({
    name: 'gateway_failovers_total', help: 'Requests finally answered by another node than the one first tried',
    registers: [this.registry],
  });
  readonly noLeader = new Counter({
    name: 'gateway_no_leader_total', help: 'Requests answered 503 NO_LEADER after the failover deadline',
    registers: [this.registry],
  });
  readonly leaderChanges = new Counter({
    name: 'gateway_leader_changes_total', help: 'Leader changes the gateway observed, by how it learned',
    labelNames: ['reason'] as const, registers: [this.registry],
  });
  readonly circuitOpens = new Counter({
    name: 'gateway_circuit_opens_total', help: 'Times a node circuit opened',
    labelNames: ['node'] as const, registers: [this.registry],
  });
  readonly batches = new Counter({
    name: 'gateway_batches_total', help: 'Coalesced batches sent to a leader (on its batch stream, or as POST /api/batch)', registers: [this.registry],
  });
  readonly batchSeconds = new Histogram({
    name: 'gateway_batch_duration_seconds', help: 'A coalesced batch from sending to the leader\'s answer (network, the leader\'s handling, the Raft commit)',
    registers: [this.registry], buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  });
  readonly batchOps = new Histogram({
    name: 'gateway_batch_ops', help: 'Client writes per coalesced batch', registers: [this.registry],
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
  });

  constructor(clients: readonly NodeClient[], leaderId: () => string | null) {
    collectDefaultMetrics({ register: this.registry });
    new Gauge({
      name: 'gateway_circuit_state', help: 'Circuit per node: 0 closed, 1 half-open, 2 open, 3 isolated',
      labelNames: ['node'] as const, registers: [this.registry],
      collect() { for (const c of clients) this.set({ node: c.id }, circuitValue[c.circuit]); },
    });
    new Gauge({
      name: 'gateway_leader', help: '1 for the node the gateway currently sends leader traffic to',
      labelNames: ['node'] as const, registers: [this.registry],
      collect() { const id = leaderId(); for (const c of clients) this.set({ node: c.id }, c.id === id ? 1 : 0); },
    });
    for (const c of clients) {
      this.circuitOpens.inc({ node: c.id }, 0);
      c.onBreak(() => this.circuitOpens.inc({ node: c.id }));
    }
  }

  /** Counts a client request and its latency when its answer has gone out; `route` is read then. */
  track(req: IncomingMessage, res: ServerResponse, route: () => string): void {
    const startedAt = process.hrtime.bigint();
    res.on('finish', () => {
      const method = req.method ?? 'GET';
      const r = route();
      this.requests.inc({ route: r, method, status: String(res.statusCode) });
      this.latency.observe({ route: r, method }, Number(process.hrtime.bigint() - startedAt) / 1e9);
    });
  }
}
