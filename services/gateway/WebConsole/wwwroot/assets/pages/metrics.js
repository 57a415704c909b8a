import { get, all } from '../api.js';
import { h, replace } from '../dom.js';
import { field, input, textarea, choice, many, selectedIds, list } from './forms.js';
import { recordEditor } from './editor.js';

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

const editor = recordEditor({ noun: 'metric', collection: '/test_framework/v1/metrics/', pages: '/console/metrics' });

export async function metricPage(page, which) {
  const [metric, agents] = await Promise.all([editor.load(which), all('/test_framework/v1/aiagents/')]);
  if (metric === undefined) {
    editor.notFound(page.main);
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
  editor.show(page, { record: metric, title: m.name }, [
    field('name', 'Name', name),
    field('description', 'Description', description),
    field('type', 'Type', type),
    field('eval_type', 'Evaluation', evalType),
    enumField, promptField, codeField,
    field('agents', 'Enabled on agents', agentIds, 'Ctrl/Cmd-click to choose several.'),
  ], () => {
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
    return body;
  });
}
