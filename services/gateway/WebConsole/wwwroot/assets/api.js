// The API on this origin. The session cookie authenticates (the browser adds it; scripts cannot read it);
// requests that change data carry X-Cekura-Console, the gateway's defence against cross-site requests.

export class ApiError extends Error {
  constructor(status, body) {
    super(typeof body?.detail === 'string' ? body.detail : `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

/** Called when the API answers 401: the session ended (signed out elsewhere, key revoked, expired). */
let onUnauthorized = () => {};
export function whenUnauthorized(handler) { onUnauthorized = handler; }

export async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (method !== 'GET' && method !== 'HEAD') headers['X-Cekura-Console'] = '1';
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed = null;
  if (text) {
    try { parsed = JSON.parse(text); } catch { parsed = { detail: text.slice(0, 500) }; }
  }
  if (!response.ok) {
    const error = new ApiError(response.status, parsed);
    if (response.status === 401 && !path.startsWith('/console/session')) onUnauthorized(error);
    throw error;
  }
  return parsed;
}

export const get = path => api('GET', path);

/** A query string from an object, skipping empty values. */
export function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== null && value !== undefined && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** Every item of a paged list (the API caps page_size at 100). */
export async function all(path, max = 1000) {
  const items = [];
  for (let page = 1; items.length < max; page++) {
    const result = await get(`${path}${path.includes('?') ? '&' : '?'}page=${page}&page_size=100`);
    items.push(...result.results);
    if (!result.next) break;
  }
  return items;
}
