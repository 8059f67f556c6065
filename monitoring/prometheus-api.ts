// The few Prometheus HTTP API calls the tests make. Errors keep Prometheus's own message, so a
// PromQL parse error names the expression's problem.

export interface Series {
  readonly metric: Readonly<Record<string, string>>;
  readonly values: readonly [number, string][];
}

export class PrometheusApiError extends Error {
  readonly code = 'PROMETHEUS_API';
}

async function call<T>(baseUrl: string, path: string, params: Record<string, string> = {}): Promise<T> {
  const res = await fetch(`${baseUrl}${path}`, {
    method: Object.keys(params).length ? 'POST' : 'GET',
    ...(Object.keys(params).length ? { body: new URLSearchParams(params) } : {}),
    signal: AbortSignal.timeout(10_000),
  });
  const body = (await res.json()) as { status: string; data?: T; error?: string; errorType?: string };
  if (body.status !== 'success') throw new PrometheusApiError(`${path}: ${body.errorType ?? res.status}: ${body.error ?? 'no error text'}`);
  return body.data as T;
}

/** A range query as Grafana sends it; a parse error throws PrometheusApiError. */
export async function queryRange(baseUrl: string, expr: string, startS: number, endS: number, stepS: number): Promise<Series[]> {
  const data = await call<{ resultType: string; result: Series[] }>(baseUrl, '/api/v1/query_range', {
    query: expr, start: String(startS), end: String(endS), step: String(stepS),
  });
  return data.result;
}

export async function queryInstant(baseUrl: string, expr: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const data = await call<{ result: { metric: Record<string, string>; value: [number, string] }[] }>(baseUrl, '/api/v1/query', { query: expr });
  return data.result;
}

export interface ActiveTarget {
  readonly labels: Readonly<Record<string, string>>;
  readonly health: 'up' | 'down' | 'unknown';
  readonly lastError: string;
  readonly scrapeUrl: string;
}

export async function activeTargets(baseUrl: string): Promise<ActiveTarget[]> {
  return (await call<{ activeTargets: ActiveTarget[] }>(baseUrl, '/api/v1/targets')).activeTargets;
}

export interface LoadedRule {
  readonly name: string;
  readonly query: string;
  readonly type: 'recording' | 'alerting';
  readonly health: string;
  readonly lastError?: string;
}

export async function loadedRules(baseUrl: string): Promise<LoadedRule[]> {
  const data = await call<{ groups: { rules: LoadedRule[] }[] }>(baseUrl, '/api/v1/rules');
  return data.groups.flatMap((g) => g.rules);
}
