// "Test connection": lists an upstream's models, or says exactly why it cannot — a name that does
// not resolve, nothing listening, a refused key, a wrong base URL, an answer that is no model list.
import { request } from 'undici';
import type { UpstreamProbe } from '../../../shared/api.ts';

export async function probeModels(
  baseUrl: string,
  apiKey: string | undefined,
  model?: string,
  timeoutMs = 5000,
): Promise<UpstreamProbe> {
  let url: URL;
  try {
    url = new URL(baseUrl.replace(/\/+$/, '') + '/models');
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http');
  } catch {
    return fail(`"${baseUrl}" is not an http(s) URL`);
  }
  const where = `${url.origin}${url.pathname}`;
  let status: number;
  let text: string;
  try {
    const res = await request(url, {
      method: 'GET',
      headers: { accept: 'application/json', ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) },
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      signal: AbortSignal.timeout(timeoutMs),
    });
    status = res.statusCode;
    text = await res.body.text();
  } catch (err) {
    return fail(transportProblem(err, url, timeoutMs));
  }
  if (status === 401 || status === 403) return fail(`${where} refused the key (${status}): check the API key`);
  if (status === 404) return fail(`${where} answered 404: is the base URL right? It usually ends in /v1`);
  if (status !== 200) return fail(`${where} answered ${status}: ${text.slice(0, 200)}`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return fail(`${where} answered 200 but not with JSON (is this an OpenAI-compatible server?)`);
  }
  const data = (body as { data?: unknown })?.data;
  if (!Array.isArray(data)) return fail(`${where} answered JSON without a "data" list of models`);
  const models = data.map((m) => String((m as { id?: unknown })?.id ?? '')).filter(Boolean);
  const missing = model && !models.includes(model) ? `; the model "${model}" is not among them` : '';
  return {
    ok: true,
    models,
    message: `${models.length} ${models.length === 1 ? 'model' : 'models'}: ${models.slice(0, 8).join(', ')}${missing}`,
  };
}

function fail(message: string): UpstreamProbe {
  return { ok: false, models: [], message };
}

function transportProblem(err: unknown, url: URL, timeoutMs: number): string {
  const e = err as { code?: string; name?: string; message?: string; cause?: { code?: string } };
  const code = e.code ?? e.cause?.code;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `cannot resolve the host name "${url.hostname}"`;
  if (code === 'ECONNREFUSED') return `nothing listens at ${url.host} (connection refused)`;
  if (code === 'ECONNRESET') return `${url.host} closed the connection (is it http vs https?)`;
  if (e.name === 'TimeoutError' || e.name === 'AbortError' || code?.includes('TIMEOUT')) {
    return `${url.host} did not answer within ${timeoutMs / 1000} s`;
  }
  if (code?.startsWith('ERR_TLS') || code?.includes('CERT')) return `TLS failed with ${url.host}: ${e.message}`;
  return `${url.host} could not be reached: ${e.message ?? String(err)}`;
}
