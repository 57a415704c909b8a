// The console's shell: who is signed in, the section links, and a router over /console/… paths.
import { api, whenUnauthorized } from './api.js';
import { h, replace } from './dom.js';
import { signInPage } from './pages/signin.js';
import { callsPage } from './pages/calls.js';
import { callPage } from './pages/call.js';
import { agentsPage, agentPage } from './pages/agents.js';
import { metricsPage, metricPage } from './pages/metrics.js';

const routes = [
  [/^\/(?:console\/?)?$/, () => callsPage],
  [/^\/console\/calls\/?$/, () => callsPage],
  [/^\/console\/calls\/(\d+)\/?$/, m => ctx => callPage(ctx, Number(m[1]))],
  [/^\/console\/agents\/?$/, () => agentsPage],
  [/^\/console\/agents\/(new|\d+)\/?$/, m => ctx => agentPage(ctx, m[1])],
  [/^\/console\/metrics\/?$/, () => metricsPage],
  [/^\/console\/metrics\/(new|\d+)\/?$/, m => ctx => metricPage(ctx, m[1])],
];

let session = null;
let stopCurrent = () => {};

const main = document.getElementById('main');

function showSession() {
  const signedIn = session !== null;
  document.getElementById('nav').hidden = !signedIn;
  document.getElementById('who').hidden = !signedIn;
  document.getElementById('project').textContent = signedIn
    ? `Project ${session.project_name ?? ''} (#${session.project_id}) · key ${session.key_prefix}…`
    : '';
  for (const link of document.querySelectorAll('#nav a')) {
    const here = location.pathname.startsWith(link.getAttribute('href')) ||
      (location.pathname === '/' && link.getAttribute('href') === '/console/calls');
    if (here) link.setAttribute('aria-current', 'page'); else link.removeAttribute('aria-current');
  }
}

export function navigate(path, { replace: replaceState = false } = {}) {
  if (replaceState) history.replaceState(null, '', path); else history.pushState(null, '', path);
  render();
}

async function render() {
  stopCurrent();
  stopCurrent = () => {};
  showSession();
  if (session === null) {
    signInPage({ main, onSignedIn: signedIn });
    return;
  }
  const match = routes.map(([pattern, page]) => [location.pathname.match(pattern), page]).find(([m]) => m);
  if (!match) {
    replace(main, h('h1', {}, 'Not found'), h('p', {}, h('a', { href: '/console/calls' }, 'Back to the calls')));
    return;
  }
  const page = match[1](match[0]);
  const context = { main, session, navigate, onStop: stop => { stopCurrent = stop; } };
  try {
    await page(context);
  } catch (error) {
    if (error?.status !== 401) {
      replace(main, h('h1', {}, 'Something went wrong'), h('div', { class: 'error', role: 'alert' }, String(error?.message ?? error)));
    }
  }
}

function signedIn(view) {
  session = view;
  render();
  main.focus();
}

function signedOut() {
  session = null;
  render();
}

// Same-origin links to console pages stay in the app; everything else (/docs, the trace UI) loads normally.
document.addEventListener('click', event => {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const link = event.target.closest('a[href]');
  if (!link || link.target || link.hasAttribute('download')) return;
  const url = new URL(link.href, location.href);
  if (url.origin !== location.origin || !(url.pathname === '/' || url.pathname.startsWith('/console/'))) return;
  event.preventDefault();
  navigate(url.pathname + url.search);
  main.focus();
});

window.addEventListener('popstate', render);

document.getElementById('sign-out').addEventListener('click', async () => {
  try { await api('DELETE', '/console/session'); } finally { signedOut(); }
});

whenUnauthorized(signedOut);

try {
  session = await api('GET', '/console/session');
} catch {
  session = null;
}
render();
