import { all } from '../api.js';
import { h, replace, when } from '../dom.js';
import { field, input, textarea, many, selectedIds, list, numberOrNull } from './forms.js';
import { recordEditor } from './editor.js';

export async function agentsPage({ main }) {
  const agents = await all('/test_framework/v1/aiagents/');
  const tbody = h('tbody', {});
  for (const agent of agents) {
    tbody.append(h('tr', {},
      h('td', { class: 'num' }, String(agent.id)),
      h('td', {}, h('a', { href: `/console/agents/${agent.id}` }, agent.agent_name)),
      h('td', {}, agent.assistant_id ?? ''),
      h('td', {}, agent.assistant_provider ?? ''),
      h('td', {}, agent.redact_fields.join(', ')),
      h('td', { class: 'num' }, String(agent.metrics.length)),
      h('td', {}, h('a', { href: `/console/calls?agent=${agent.id}` }, 'Calls')),
      h('td', {}, when(agent.created_at))));
  }
  replace(main,
    h('div', { class: 'title-row' }, h('h1', {}, 'Agents'), h('a', { href: '/console/agents/new', class: 'button' }, 'New agent')),
    agents.length === 0 ? h('p', { class: 'empty' }, 'No agents yet.') : h('div', { class: 'table-wrap' }, h('table', {},
      h('thead', {}, h('tr', {}, ['Id', 'Name', 'Assistant id', 'Provider', 'Redacts', 'Metrics', 'Calls', 'Created'].map(t => h('th', { scope: 'col' }, t)))),
      tbody)));
}

const editor = recordEditor({ noun: 'agent', collection: '/test_framework/v1/aiagents/', pages: '/console/agents' });

export async function agentPage(page, which) {
  const [agent, metrics] = await Promise.all([editor.load(which), all('/test_framework/v1/metrics/')]);
  if (agent === undefined) {
    editor.notFound(page.main);
    return;
  }
  const a = agent ?? {};
  const name = input('agent_name', a.agent_name, { required: true, maxlength: '255' });
  const description = textarea('description', a.description, 3);
  const assistantId = input('assistant_id', a.assistant_id);
  const provider = input('assistant_provider', a.assistant_provider);
  const redact = input('redact_fields', (a.redact_fields ?? []).join(', '));
  const metricIds = many('metrics', a.metrics, metrics.map(m => [m.id, `${m.name} (#${m.id})`]));
  const webhook = input('webhook_url', a.webhook_url, { type: 'url' });
  const silence = input('silence_duration', a.silence_duration, { type: 'number', step: 'any', min: '0' });
  const infra = input('infra_issues_timeout', a.infra_issues_timeout, { type: 'number', step: 'any', min: '0' });
  editor.show(page, { record: agent, title: a.agent_name }, [
    field('agent_name', 'Name', name),
    field('description', 'Description', description),
    field('assistant_id', 'Assistant id', assistantId, "The provider's assistant id; Send Calls may name the agent by it."),
    field('assistant_provider', 'Assistant provider', provider),
    field('redact_fields', 'Redact fields', redact, 'PII entities to redact by default, comma-separated (e.g. PERSON, PHONE_NUMBER).'),
    field('metrics', 'Custom metrics', metricIds, metrics.length ? 'Evaluated on every call of this agent (Ctrl/Cmd-click to choose several).' : 'The project has no custom metrics yet.'),
    field('webhook_url', 'Completion webhook URL', webhook),
    field('silence_duration', 'Silence threshold (seconds)', silence, 'Empty for the default (10).'),
    field('infra_issues_timeout', 'Infrastructure timeout (seconds)', infra, 'Empty for the default (10).'),
  ], () => ({
    agent_name: name.value,
    description: description.value,
    assistant_id: assistantId.value.trim() || null,
    assistant_provider: provider.value.trim() || null,
    redact_fields: list(redact.value),
    metrics: selectedIds(metricIds),
    webhook_url: webhook.value.trim() || null,
    silence_duration: numberOrNull(silence.value),
    infra_issues_timeout: numberOrNull(infra.value),
  }));
}
