// Builds DOM nodes from data without ever parsing data as HTML: text goes through text nodes only.

/** h('a', {href: '/x', class: 'y'}, 'text', child) — attributes by name; on* keys are event listeners. */
export function h(tag, attributes, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2), value);
    } else if (name === 'dataset') {
      Object.assign(element.dataset, value);
    } else if (value === true) {
      element.setAttribute(name, '');
    } else {
      element.setAttribute(name, String(value));
    }
  }
  append(element, children);
  return element;
}

export function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

export function replace(parent, ...children) {
  parent.replaceChildren();
  return append(parent, children);
}

/** Seconds as m:ss.s (or h:mm:ss.s). */
export function clock(seconds) {
  if (seconds === null || seconds === undefined || Number.isNaN(seconds)) return '';
  const sign = seconds < 0 ? '-' : '';
  let s = Math.abs(seconds);
  const hours = Math.floor(s / 3600);
  s -= hours * 3600;
  const minutes = Math.floor(s / 60);
  s -= minutes * 60;
  const secs = s.toFixed(1).padStart(4, '0');
  return hours > 0
    ? `${sign}${hours}:${String(minutes).padStart(2, '0')}:${secs}`
    : `${sign}${minutes}:${secs}`;
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

export function when(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateFormat.format(date);
}

/** Announces a change to screen readers. */
export function announce(text) {
  const status = document.getElementById('status');
  if (status) status.textContent = text;
}

/** The API's 400 body ({field: [messages]}) or {detail}, as lines of text. */
export function problems(error) {
  const body = error?.body;
  if (!body || typeof body !== 'object') return [error?.message ?? 'Request failed.'];
  if (typeof body.detail === 'string') return [body.detail];
  return Object.entries(body).flatMap(([field, messages]) =>
    (Array.isArray(messages) ? messages : [messages]).map(m => `${field}: ${typeof m === 'string' ? m : JSON.stringify(m)}`));
}

export function errorBox(error) {
  return h('div', { class: 'error', role: 'alert' }, problems(error).map(line => h('p', {}, line)));
}
