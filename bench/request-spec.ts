// What a workload hands the load engine for each request. Workloads (write, kv-read, kv-mixed)
// are plain functions of the request index, so both engines and every scenario can share them.
import type { IncomingHttpHeaders } from 'node:http';

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';

export interface RequestSpec {
  method: HttpMethod;
  /** Path and query, starting with '/'. */
  path: string;
  headers?: IncomingHttpHeaders | Record<string, string>;
  body?: string | Buffer;
}

/** Called once per request, in schedule order; `index` counts from 0. Must be cheap and must not throw. */
export type RequestBuilder = (index: number) => RequestSpec;

/** Which responses count as ok; default: any status below 400. */
export type OkStatus = (statusCode: number) => boolean;

export const defaultOkStatus: OkStatus = (s) => s < 400;
