import { get, all, query } from '../api.js';
import { h, replace, when, errorBox, announce } from '../dom.js';

const PAGE_SIZE = 50;
const FINAL_STAGES = new Set(['evaluated', 'failed']);
const REFRESH_MS = 3000;

/** The filter form's fields, as kept in the page's URL so a filtered list can be bookmarked and shared. */
const FIELDS = ['from', 'to', 'agent', 'status', 'success', 'search', 'meta_key', 'meta_value', 'page'];

function readFilters() {
  const params = new URLSearchParams(location.search);
  return Object.fromEntries(FIELDS.map(f => [f, params.get(f) ?? '']));
}

/** datetime-local (the user's time zone) to ISO 8601 UTC. */
function iso(local) {
  if (!local) return '';
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? '' : date.toISOString();
}

/** The API query of the filters: status, success and the metadata key become one filters_v2 "and" group. */
export function apiQuery(filters) {
  const conditions = [];
  if (filters.status) conditions.push({ field: 'status', op: 'eq', value: filters.status });
  if (filters.success) conditions.push({ field: 'success', op: 'eq', value: filters.success === 'true' });
  if (filters.meta_key) {
    const field = `metadata.${filters.meta_key}`;
    conditions.push(filters.meta_value
      ? { field, op: 'eq', value: filters.meta_value }
      : { field, op: 'isnull', value: false });
  }
  return query({
    page: filters.page || 1,
    page_size: PAGE_SIZE,
    timestamp_from: iso(filters.from),
    timestamp_to: iso(filters.to),
    agent_id: filters.agent,
    search: filters.search.trim(),
    filters_v2: conditions.length === 0 ? '' : JSON.stringify(
      conditions.length === 1 ? conditions[0] : { operator: 'and', conditions }),
  });
}

function field(id, label, control) {
  return h('div', { class: 'field' }, h('label', { for: id }, label), control);
}

function select(id, name, value, options) {
  return h('select', { id, name },
    options.map(([v, text]) => h('option', { value: v, selected: v === value }, text)));
}

function filterForm(filters, agents, navigate) {
  const form = h('form', { class: 'filters', role: 'search', 'aria-label': 'Filter calls' },
    field('f-from', 'From', h('input', { id: 'f-from', name: 'from', type: 'datetime-local', value: filters.from })),
    field('f-to', 'To', h('input', { id: 'f-to', name: 'to', type: 'datetime-local', value: filters.to })),
    field('f-agent', 'Agent', select('f-agent', 'agent', filters.agent,
      [['', 'Any agent'], ...agents.map(a => [String(a.id), `${a.agent_name} (#${a.id})`])])),
    field('f-status', 'Status', select('f-status', 'status', filters.status, [
      ['', 'Any status'], ['success', 'Success'], ['failure', 'Failure'],
      ['reviewed_success', 'Reviewed: success'], ['reviewed_failure', 'Reviewed: failure']])),
    field('f-success', 'Success', select('f-success', 'success', filters.success, [['', 'Any'], ['true', 'Yes'], ['false', 'No']])),
    field('f-search', 'Call id contains', h('input', { id: 'f-search', name: 'search', type: 'search', value: filters.search })),
    field('f-meta-key', 'Metadata key', h('input', { id: 'f-meta-key', name: 'meta_key', value: filters.meta_key, placeholder: 'e.g. customer_id' })),
    field('f-meta-value', 'Metadata value', h('input', { id: 'f-meta-value', name: 'meta_value', value: filters.meta_value, placeholder: 'any value' })),
    h('div', { class: 'field actions' },
      h('button', { type: 'submit' }, 'Apply'),
      h('a', { href: '/console/calls', class: 'button secondary' }, 'Clear')));
  form.addEventListener('submit', event => {
    event.preventDefault();
    const data = new FormData(form);
    const next = {};
    for (const name of FIELDS) if (data.get(name)) next[name] = data.get(name);
    navigate(`/console/calls${query(next)}`);
  });
  return form;
}

function result(call) {
  const text = call.status ?? (call.success === true ? 'success' : call.success === false ? 'failure' : '—');
  const good = call.success === true;
  const bad = call.success === false;
  return h('span', { class: `badge ${good ? 'good' : bad ? 'bad' : ''}` }, text.replace('_', ' '));
}

function stage(call) {
  return h('span', { class: `stage stage-${call.processing_stage}` }, call.processing_stage);
}

function row(call) {
  return h('tr', { dataset: { id: call.id } },
    h('td', {}, h('time', { datetime: call.timestamp }, when(call.timestamp))),
    h('td', {}, h('a', { href: `/console/calls/${call.id}` }, call.call_id)),
    h('td', {}, call.agent_name ?? `#${call.agent}`),
    h('td', { class: 'num' }, call.duration ?? ''),
    h('td', {}, result(call), call.is_reviewed ? h('span', { class: 'muted small' }, ' reviewed') : null),
    h('td', { class: 'stage-cell' }, stage(call)),
    h('td', {}, call.call_ended_reason ?? ''),
    h('td', { class: 'error-text' }, call.error_message ?? ''));
}

/** Builds all rows in a fragment and inserts them at once: one layout for the page, however many rows. */
function renderRows(tbody, calls) {
  performance.mark('calls-rows-start');
  const fragment = document.createDocumentFragment();
  for (const call of calls) fragment.append(row(call));
  tbody.replaceChildren(fragment);
  performance.mark('calls-rows-end');
  const measure = performance.measure('calls-rows', 'calls-rows-start', 'calls-rows-end');
  tbody.closest('table').dataset.renderMs = measure.duration.toFixed(1);
}

function pager(filters, page, count, navigate) {
  const pages = Math.max(1, Math.ceil(count / PAGE_SIZE));
  const to = p => `/console/calls${query({ ...filters, page: p === 1 ? '' : p })}`;
  return h('nav', { class: 'pager', 'aria-label': 'Pages' },
    page > 1 ? h('a', { href: to(page - 1), rel: 'prev' }, '← Newer') : h('span', { class: 'muted' }, '← Newer'),
    h('span', {}, `Page ${page} of ${pages} · ${count} call${count === 1 ? '' : 's'}`),
    page < pages ? h('a', { href: to(page + 1), rel: 'next' }, 'Older →') : h('span', { class: 'muted' }, 'Older →'));
}

export async function callsPage({ main, navigate, onStop }) {
  const filters = readFilters();
  const page = Math.max(1, Number(filters.page) || 1);
  const agents = await all('/test_framework/v1/aiagents/').catch(() => []);
  const listArea = h('div', { 'aria-live': 'polite', 'aria-busy': 'true' }, h('p', { class: 'muted' }, 'Loading calls…'));
  replace(main, h('h1', {}, 'Calls'), filterForm(filters, agents, navigate), listArea);

  const path = `/observability/v2/call-logs/${apiQuery(filters)}`;
  let timer = null;
  let stopped = false;
  onStop(() => { stopped = true; clearTimeout(timer); });

  const tbody = h('tbody', {});
  const table = h('table', { class: 'calls' },
    h('caption', { class: 'sr-only' }, 'Calls, newest first'),
    h('thead', {}, h('tr', {}, ['Time', 'Call id', 'Agent', 'Duration', 'Result', 'Stage', 'Ended', 'Error']
      .map(title => h('th', { scope: 'col' }, title)))),
    tbody);
  let shown = null;
  const show = data => {
    // Redrawn only when something changed, so keyboard focus inside the table survives a refresh.
    const signature = JSON.stringify([data.count, data.results.map(c => [c.id, c.processing_stage, c.status, c.success, c.is_reviewed])]);
    if (signature === shown) return;
    shown = signature;
    if (data.results.length === 0) {
      replace(listArea, h('p', { class: 'empty' }, 'No calls match. Calls appear here when your agent sends them to Send Calls.'));
    } else {
      renderRows(tbody, data.results);
      if (!listArea.contains(table)) replace(listArea, h('div', { class: 'table-wrap' }, table), null);
      listArea.querySelector('nav.pager')?.remove();
      listArea.append(pager(filters, page, data.count, navigate));
    }
    listArea.setAttribute('aria-busy', 'false');
    announce(`${data.count} calls`);
  };

  let data;
  try {
    data = await get(path);
  } catch (error) {
    replace(listArea, errorBox(error));
    listArea.setAttribute('aria-busy', 'false');
    return;
  }
  if (stopped) return;
  show(data);

  // Live: stages of calls still in processing, and on the newest page new calls as they arrive.
  const live = page === 1 && !filters.to;
  const refresh = async () => {
    if (stopped) return;
    if (live || data.results.some(c => !FINAL_STAGES.has(c.processing_stage))) {
      try {
        const fresh = await get(path);
        if (stopped) return;
        data = fresh;
        show(data);
      } catch { /* a failed refresh keeps the rows shown; the next one may succeed */ }
    }
    timer = setTimeout(refresh, REFRESH_MS);
  };
  timer = setTimeout(refresh, REFRESH_MS);
}
