import { get, api, all } from '../api.js';
import { h, replace, errorBox, announce } from '../dom.js';
import { field, input, textarea, choice, many, selectedIds, list } from './forms.js';

export async function metricsPage({ main }) {
  const [metrics, predefined] = await Promise.all([
    all('/test_framework/v1/metrics/'),
    get('/test_framework/v1/predefined-metrics-external/?page_size=100').then(p => p.results).catch(() => []),
  ]);
  const custom = h('tbody', {});
  for (const metric of metrics) {
    custom.append(h('tr', {},
      h('td', { class: 'num' }, String(metric.id)),
      h('td', {}, h('a', { href: `/console/metrics/${metric.id}` }, metric.name)),
      h('td', {}, metric.type),
      h('td', {}, metric.eval_type),
      h('td', {}, metric.agents.map(id => `#${id}`).join(', '))));
  }
  const builtIn = h('tbody', {});
  for (const metric of predefined) {
    builtIn.append(h('tr', {},
      h('td', { class: 'num' }, String(metric.id)),
      h('td', {}, metric.name),
      h('td', {}, metric.eval_type),
      h('td', {}, metric.description)));
  }
  replace(main,
    h('div', { class: 'title-row' }, h('h1', {}, 'Metrics'), h('a', { href: '/console/metrics/new', class: 'button' }, 'New metric')),
    h('h2', {}, 'Custom metrics'),
    metrics.length === 0 ? h('p', { class: 'empty' }, 'No custom metrics yet.') : h('div', { class: 'table-wrap' }, h('table', {},
      h('thead', {}, h('tr', {}, ['Id', 'Name', 'Type', 'Evaluation', 'Agents'].map(t => h('th', { scope: 'col' }, t)))), custom)),
    h('h2', {}, 'Predefined metrics'),
    h('p', { class: 'muted' }, 'Evaluated on every call.'),
    h('div', { class: 'table-wrap' }, h('table', {},
      h('thead', {}, h('tr', {}, ['Id', 'Name', 'Evaluation', 'Description'].map(t => h('th', { scope: 'col' }, t)))), builtIn)));
}

// Shown once on the page a save leads to.
let flash = null;

export async function metricPage({ main, navigate }, which) {
  const creating = which === 'new';
  const [metric, agents] = await Promise.all([
    creating ? Promise.resolve(null) : get(`/test_framework/v1/metrics/${which}/`).catch(e => { if (e.status === 404) return undefined; throw e; }),
    all('/test_framework/v1/aiagents/'),
  ]);
  if (metric === undefined) {
    replace(main, h('h1', {}, 'Metric not found'), h('p', {}, h('a', { href: '/console/metrics' }, 'Back to the metrics')));
    return;
  }
  const m = metric ?? { type: 'llm_judge', eval_type: 'binary' };
  const name = input('name', m.name, { required: true });
  const description = textarea('description', m.description, 2);
  const type = choice('type', m.type, [['llm_judge', 'LLM judge'], ['custom_code', 'Custom code (JavaScript)']]);
  const evalType = choice('eval_type', m.eval_type, [
    ['binary', 'Binary'], ['numeric', 'Numeric'], ['continuous_qualitative', 'Continuous (0-100)'], ['enum', 'Enum']]);
  const enumValues = input('enum_values', (m.enum_values ?? []).join(', '));
  const prompt = textarea('prompt', m.prompt, 6);
  const code = textarea('custom_code', m.custom_code, 10);
  code.classList.add('mono');
  const agentIds = many('agents', m.agents, agents.map(a => [a.id, `${a.agent_name} (#${a.id})`]));
  const promptField = field('prompt', 'Prompt', prompt, 'The criterion the judge applies; {{variables}} are filled from the call.');
  const codeField = field('custom_code', 'Custom code', code, 'JavaScript that reads data and sets _result and _explanation.');
  const enumField = field('enum_values', 'Enum values', enumValues, 'Comma-separated categories.');
  const sync = () => {
    promptField.hidden = type.value !== 'llm_judge';
    codeField.hidden = type.value !== 'custom_code';
    enumField.hidden = evalType.value !== 'enum';
  };
  type.addEventListener('change', sync);
  evalType.addEventListener('change', sync);
  sync();
  const message = h('div', { 'aria-live': 'polite' });
  const save = h('button', { type: 'submit' }, creating ? 'Create metric' : 'Save changes');
  const form = h('form', { class: 'card', 'aria-labelledby': 'metric-title' },
    h('p', {}, h('a', { href: '/console/metrics' }, '← All metrics')),
    h('h1', { id: 'metric-title' }, creating ? 'New metric' : `Metric ${m.name}`),
    field('name', 'Name', name),
    field('description', 'Description', description),
    field('type', 'Type', type),
    field('eval_type', 'Evaluation', evalType),
    enumField, promptField, codeField,
    field('agents', 'Enabled on agents', agentIds, 'Ctrl/Cmd-click to choose several.'),
    message,
    h('div', { class: 'actions' }, save));
  form.addEventListener('submit', async event => {
    event.preventDefault();
    save.disabled = true;
    replace(message);
    const body = {
      name: name.value,
      description: description.value,
      type: type.value,
      eval_type: evalType.value,
      agents: selectedIds(agentIds),
    };
    if (evalType.value === 'enum') body.enum_values = list(enumValues.value);
    if (type.value === 'llm_judge') body.prompt = prompt.value;
    if (type.value === 'custom_code') body.custom_code = code.value;
    try {
      const saved = creating
        ? await api('POST', '/test_framework/v1/metrics/', body)
        : await api('PATCH', `/test_framework/v1/metrics/${m.id}/`, body);
      announce(creating ? 'Metric created' : 'Metric saved');
      flash = creating ? 'Metric created.' : 'Saved.';
      navigate(`/console/metrics/${saved.id}`, { replace: !creating });
    } catch (error) {
      replace(message, errorBox(error));
    } finally {
      save.disabled = false;
    }
  });
  if (flash) {
    replace(message, h('p', { class: 'ok' }, flash));
    flash = null;
  }
  replace(main, form);
}
