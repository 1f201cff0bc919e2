import http from 'node:http';
import https from 'node:https';

/**
 * A `fetch` for the SDK's JSON calls over `node:http`/`node:https` with keep-alive agents. The
 * SDK builds every request and reads every answer as before; only the transport differs. Node's
 * WHATWG fetch spends about four times the CPU per request (streams, a Request object, header
 * guards), which on the sending path is a quarter of the service's time. Bodies that are not plain
 * strings (images, forms) are left to the global fetch (`null` is returned).
 */
const AGENTS = {
  'http:': new http.Agent({ keepAlive: true }),
  'https:': new https.Agent({ keepAlive: true }),
};

/** Statuses whose responses have no body (a Response refuses one). */
const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

export function nodeHttpFetch(
  input: string | URL | Request,
  init: RequestInit,
  signal: AbortSignal,
): Promise<Response> | null {
  if (input instanceof Request || (init.body !== undefined && init.body !== null && typeof init.body !== 'string'))
    return null;
  const url = new URL(String(input));
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  const headers: Record<string, string> = {};
  new Headers(init.headers).forEach((value, name) => (headers[name] = value));
  const body = typeof init.body === 'string' ? Buffer.from(init.body) : undefined;
  if (body) headers['content-length'] = String(body.length);
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise<Response>((resolve, reject) => {
    const request = transport.request(
      url,
      { method: init.method ?? 'GET', headers, agent: AGENTS[url.protocol as 'http:' | 'https:'], signal },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', (error) => reject(asFetchError(error)));
        response.on('end', () => {
          const status = response.statusCode ?? 0;
          const responseHeaders = new Headers();
          for (let i = 0; i < response.rawHeaders.length; i += 2)
            responseHeaders.append(response.rawHeaders[i], response.rawHeaders[i + 1]);
          resolve(
            new Response(NULL_BODY_STATUSES.has(status) ? null : Buffer.concat(chunks), {
              status,
              statusText: response.statusMessage,
              headers: responseHeaders,
            }),
          );
        });
      },
    );
    request.on('error', (error) => reject(asFetchError(error)));
    request.end(body);
  });
}

/** As fetch reports them: an abort as itself, anything else as "fetch failed" with the cause. */
function asFetchError(error: Error): Error {
  if (error.name === 'AbortError') return error;
  return new TypeError('fetch failed', { cause: error });
}
