// API errors carry the HTTP status and the exact text Toxiproxy 2.12 sends, plus a stable code for
// callers of the programmatic API.
export class ApiError extends Error {
  constructor(readonly status: number, message: string, readonly code: string) {
    super(message);
  }
}

export const apiErrors = {
  proxyNotFound: () => new ApiError(404, 'proxy not found', 'PROXY_NOT_FOUND'),
  toxicNotFound: () => new ApiError(404, 'toxic not found', 'TOXIC_NOT_FOUND'),
  proxyExists: () => new ApiError(409, 'proxy already exists', 'PROXY_EXISTS'),
  toxicExists: () => new ApiError(409, 'toxic already exists', 'TOXIC_EXISTS'),
  badBody: (detail: string) => new ApiError(400, `bad request body: ${detail}`, 'BAD_REQUEST_BODY'),
  missingField: (field: string) => new ApiError(400, `missing required field: ${field}`, 'MISSING_FIELD'),
  invalidToxicType: () => new ApiError(400, 'invalid toxic type', 'INVALID_TOXIC_TYPE'),
  invalidStream: () => new ApiError(400, 'stream was invalid, can be either upstream or downstream', 'INVALID_STREAM'),
  listenFailed: (detail: string) => new ApiError(500, detail, 'LISTEN_FAILED'),
};
