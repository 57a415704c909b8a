import { get, api } from '../api.js';
import { h, replace, append, when, clock, errorBox, announce } from '../dom.js';

const FINAL_STAGES = new Set(['evaluated', 'failed']);
const REFRESH_MS = 3000;
const PLACEHOLDER = /(<[A-Z][A-Z0-9_]*>)/;

function fact(label, ...value) {
  return [h('dt', {}, label), h('dd', {}, ...(value.length && value.some(v => v !== null && v !== '') ? value : ['—']))];
}

function yesNo(value) {
  return value === true ? 'yes' : value === false ? 'no' : null;
}

function traceLink(call, session) {
  if (!call.trace_id) return null;
  if (!session.trace_url_template) return h('code', {}, call.trace_id);
  const href = session.trace_url_template.replace('{trace_id}', encodeURIComponent(call.trace_id));
  return [h('a', { href, target: '_blank', rel: 'noopener noreferrer', class: 'trace-link' }, 'Open trace ↗'),
    h('div', { class: 'mono small muted' }, call.trace_id)];
}

function header(call, session) {
  return h('section', { class: 'card', 'aria-labelledby': 'call-title' },
    h('p', {}, h('a', { href: '/console/calls' }, '← All calls')),
    h('h1', { id: 'call-title' }, 'Call ', h('span', { class: 'mono' }, call.call_id)),
    h('dl', { class: 'facts' },
      fact('Agent', h('a', { href: `/console/agents/${call.agent}` }, call.agent_name ?? `#${call.agent}`)),
      fact('Time', h('time', { datetime: call.timestamp }, when(call.timestamp))),
      fact('Duration', call.duration),
      fact('End reason', call.call_ended_reason),
      fact('Customer number', call.customer_number),
      fact('Success', yesNo(call.success)),
      fact('Status', call.status),
      fact('Reviewed', yesNo(call.is_reviewed)),
      fact('Stage', h('span', { class: `stage stage-${call.processing_stage}`, id: 'call-stage' }, call.processing_stage)),
      fact('Topic', call.topic),
      fact('Trace', traceLink(call, session))),
    call.error_message ? h('div', { class: 'error', role: 'alert' }, h('strong', {}, 'Processing failed: '), call.error_message) : null,
    FINAL_STAGES.has(call.processing_stage) ? null
      : h('p', { class: 'notice' }, `Still processing (${call.processing_stage}); this page updates when the next stage finishes.`));
}

/** The channel lanes: when each side spoke, measured from the recording by the transcription stage. */
function lanes(data) {
  const channels = data.channel_speaking?.length ? data.channel_speaking
    : [data.main_speaking ?? [], data.testing_speaking ?? []].filter(s => s.length);
  return channels.map((segments, index) => {
    let name = `Channel ${index}`;
    if (data.separable_channels && data.main_agent_channel_index !== null && data.main_agent_channel_index !== undefined) {
      name = index === data.main_agent_channel_index ? `Agent (channel ${index})` : `Caller (channel ${index})`;
    }
    return { name, segments, agent: index === data.main_agent_channel_index };
  });
}

function timeline(data, audio) {
  const total = data.total_duration || 0;
  if (!total) return null;
  const playhead = h('div', { class: 'playhead', 'aria-hidden': 'true' });
  const tracks = h('div', { class: 'tracks' });
  for (const lane of lanes(data)) {
    const track = h('div', { class: 'track', role: 'img',
      'aria-label': `${lane.name}: ${lane.segments.length} speaking segment${lane.segments.length === 1 ? '' : 's'}` });
    for (const segment of lane.segments) {
      const block = h('div', { class: `segment ${lane.agent ? 'agent' : 'caller'}`, title: `${clock(segment.start)}–${clock(segment.end)}` });
      // Through the CSSOM: the console's Content-Security-Policy refuses style attributes.
      block.style.left = `${(segment.start / total) * 100}%`;
      block.style.width = `${Math.max(0.2, ((segment.end - segment.start) / total) * 100)}%`;
      track.append(block);
    }
    tracks.append(h('div', { class: 'lane' }, h('span', { class: 'lane-name' }, lane.name), track));
  }
  tracks.append(playhead);
  // A click on the lanes seeks there (the audio element's own controls are the keyboard way).
  tracks.addEventListener('click', event => {
    const area = tracks.querySelector('.track');
    if (!area) return;
    const box = area.getBoundingClientRect();
    const fraction = (event.clientX - box.left) / box.width;
    if (fraction >= 0 && fraction <= 1) audio.currentTime = fraction * total;
  });
  audio.addEventListener('timeupdate', () => {
    const area = tracks.querySelector('.track');
    if (!area) return;
    const offset = area.offsetLeft;
    playhead.style.left = `${offset + (Math.min(audio.currentTime, total) / total) * area.offsetWidth}px`;
  });
  return h('div', { class: 'timeline' },
    h('p', { class: 'muted small' }, `Speaking segments (${data.voice_activity_detector} voice activity), ${clock(total)} in all.`),
    tracks);
}

function recording(call) {
  if (!call.voice_recording_url) {
    const why = call.source_recording_url || call.processing_stage === 'received'
      ? 'The recording is not available yet.'
      : 'This call has no recording.';
    return { section: h('section', { class: 'card', 'aria-labelledby': 'rec-title' }, h('h2', { id: 'rec-title' }, 'Recording'), h('p', { class: 'muted' }, why)), audio: null };
  }
  // The same origin as the page, whatever public origin the API reported: the session cookie authenticates it.
  const audio = h('audio', { controls: true, preload: 'metadata', src: `/observability/v2/call-logs/${call.id}/recording/`, 'aria-label': 'Call recording' });
  const section = h('section', { class: 'card', 'aria-labelledby': 'rec-title' }, h('h2', { id: 'rec-title' }, 'Recording'), audio);
  audio.addEventListener('error', () => {
    audio.replaceWith(h('p', { class: 'muted' }, 'The recording could not be loaded.'));
  });
  if (call.recording_data) append(section, [timeline(call.recording_data, audio)]);
  return { section, audio };
}

function withPlaceholders(text) {
  return String(text ?? '').split(PLACEHOLDER).filter(part => part !== '').map(part =>
    PLACEHOLDER.test(part) ? h('mark', { class: 'placeholder', title: 'Redacted' }, part) : part);
}

function pretty(text) {
  if (!text) return '';
  try { return JSON.stringify(JSON.parse(text), null, 2); } catch { return text; }
}

function functionEntry(entry) {
  const data = entry.data ?? {};
  const isResult = entry.role === 'Function Call Result';
  return h('div', { class: `function ${data.is_error ? 'bad' : ''}` },
    h('span', { class: 'function-name' }, isResult ? `↩ ${data.name ?? 'result'}` : `ƒ ${data.name ?? 'call'}`),
    data.is_error ? h('span', { class: 'badge bad' }, 'error') : null,
    h('pre', {}, pretty(isResult ? (data.result ?? entry.content) : (data.arguments ?? entry.content))));
}

function roleClass(role) {
  return role === 'Main Agent' ? 'agent' : role === 'Testing Agent' ? 'caller' : 'function';
}

function transcript(call, audio) {
  const section = h('section', { class: 'card', 'aria-labelledby': 'transcript-title' }, h('h2', { id: 'transcript-title' }, 'Transcript'));
  const entries = call.transcript_object ?? [];
  if (entries.length === 0) {
    section.append(h('p', { class: 'muted' }, call.transcript === null && call.processing_stage !== 'evaluated'
      ? 'The transcript is held back until redaction has run.'
      : 'No transcript.'));
    return section;
  }
  const shift = call.recording_data?.transcript_shift ?? 0;
  const list = h('ol', { class: 'transcript' });
  const turns = [];
  for (const entry of entries) {
    const speech = entry.role === 'Main Agent' || entry.role === 'Testing Agent';
    const canSeek = audio && entry.start_time !== null && entry.start_time !== undefined;
    const seek = () => {
      audio.currentTime = Math.max(0, entry.start_time + shift);
      announce(`Playing from ${clock(entry.start_time)}`);
    };
    const times = entry.start_time === null || entry.start_time === undefined ? ''
      : `${clock(entry.start_time)}${entry.end_time !== null && entry.end_time !== undefined ? `–${clock(entry.end_time)}` : ''}`;
    const item = h('li', { class: `turn ${roleClass(entry.role)}${canSeek ? ' seekable' : ''}`, dataset: { start: entry.start_time ?? '' } },
      h('div', { class: 'turn-head' },
        h('span', { class: 'role' }, entry.role),
        canSeek
          ? h('button', { type: 'button', class: 'time', 'aria-label': `Play from ${clock(entry.start_time)} (${entry.role})`, onclick: event => { event.stopPropagation(); seek(); } }, times)
          : h('span', { class: 'time' }, times)),
      speech ? h('p', { class: 'content' }, withPlaceholders(entry.content)) : functionEntry(entry));
    if (canSeek) item.addEventListener('click', seek);
    list.append(item);
    if (speech && entry.start_time !== null && entry.start_time !== undefined) turns.push({ item, start: entry.start_time + shift, end: (entry.end_time ?? entry.start_time) + shift });
  }
  if (audio) {
    audio.addEventListener('timeupdate', () => {
      const t = audio.currentTime;
      for (const turn of turns) {
        const current = t >= turn.start && t < turn.end;
        turn.item.classList.toggle('current', current);
        if (current) turn.item.setAttribute('aria-current', 'true'); else turn.item.removeAttribute('aria-current');
      }
    });
  }
  section.append(list);
  return section;
}

function metricValue(metric) {
  if (metric.enum !== null && metric.enum !== undefined) return metric.enum;
  if (metric.score !== null && metric.score !== undefined) return String(Math.round(metric.score * 100) / 100);
  if (metric.value !== null && metric.value !== undefined) return typeof metric.value === 'object' ? JSON.stringify(metric.value) : String(metric.value);
  return '—';
}

function metrics(call) {
  const section = h('section', { class: 'card', 'aria-labelledby': 'metrics-title' }, h('h2', { id: 'metrics-title' }, 'Metrics'));
  const list = call.evaluation?.metrics ?? call.metrics ?? [];
  if (list.length === 0) {
    section.append(h('p', { class: 'muted' }, call.processing_stage === 'evaluated' ? 'No metrics.' : 'Metrics appear once the call is evaluated.'));
    return section;
  }
  const tbody = h('tbody', {});
  for (const metric of list) {
    tbody.append(h('tr', {},
      h('th', { scope: 'row' }, metric.name, h('div', { class: 'muted small' }, metric.type)),
      h('td', { class: 'num' }, metricValue(metric)),
      h('td', {}, (metric.explanation ?? []).length
        ? h('ul', { class: 'explanation' }, metric.explanation.map(line => h('li', {}, line)))
        : h('span', { class: 'muted' }, '—'))));
  }
  section.append(h('div', { class: 'table-wrap' }, h('table', { class: 'metrics' },
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Metric'), h('th', { scope: 'col' }, 'Result'), h('th', { scope: 'col' }, 'Explanation'))),
    tbody)));
  return section;
}

// The predefined Latency Breakdown metric (ids are stable); its extra.turns holds each reply's segments.
const LATENCY_BREAKDOWN_ID = 19;
// In the order of precedence the breakdown gives overlapping spans, then what no span covers.
const SEGMENT_KINDS = [
  { kind: 'stt', label: 'Speech-to-text' },
  { kind: 'llm', label: 'Model' },
  { kind: 'tts', label: 'Speech synthesis' },
  { kind: 'tool_call', label: 'Tool calls' },
  { kind: 'uncovered', label: 'Uncovered (no span)' },
];
const KIND_LABEL = Object.fromEntries(SEGMENT_KINDS.map(k => [k.kind, k.label]));

function ms(value) {
  return `${Math.round(value)} ms`;
}

/** One reply's stacked bar, scaled to the slowest reply; each segment also has its text (title, label and list). */
function breakdownRow(turn, longest, index) {
  const parts = turn.segments.map(s => `${KIND_LABEL[s.kind] ?? s.kind} ${ms(s.duration_ms)}`);
  const bar = h('div', { class: 'breakdown-bar', role: 'img', 'aria-label': `Reply ${index + 1}, ${ms(turn.measured_ms)}: ${parts.join(', ')}` });
  for (const segment of turn.segments) {
    const block = h('div', { class: `breakdown-segment kind-${segment.kind}`, title: `${KIND_LABEL[segment.kind] ?? segment.kind}: ${ms(segment.duration_ms)}` });
    // Through the CSSOM: the console's Content-Security-Policy refuses style attributes.
    block.style.width = `${(segment.duration_ms / longest) * 100}%`;
    bar.append(block);
  }
  return h('li', { class: 'breakdown-row' },
    h('div', { class: 'breakdown-head' },
      h('span', { class: 'breakdown-name' }, `Reply ${index + 1}`),
      h('span', { class: 'muted small' }, `${clock(turn.caller_end_s)} → ${clock(turn.agent_start_s)}`),
      h('span', { class: 'breakdown-total' }, ms(turn.measured_ms))),
    bar,
    h('p', { class: 'breakdown-parts small', 'aria-hidden': 'true' }, parts.join(' · ')));
}

/** Where each reply's latency went, from the agent's own spans (the Latency Breakdown metric). */
function latencyBreakdown(call) {
  const metric = (call.evaluation?.metrics ?? []).find(m => m.id === LATENCY_BREAKDOWN_ID);
  const turns = metric?.extra?.turns ?? [];
  if (!metric || turns.length === 0) return null;
  const longest = Math.max(...turns.map(t => t.measured_ms), 1);
  const legend = h('ul', { class: 'legend', 'aria-label': 'Legend' },
    SEGMENT_KINDS.map(k => h('li', {}, h('span', { class: `swatch kind-${k.kind}`, 'aria-hidden': 'true' }), k.label)));
  return h('section', { class: 'card', 'aria-labelledby': 'breakdown-title' },
    h('h2', { id: 'breakdown-title' }, 'Latency breakdown'),
    h('p', { class: 'muted small' }, metric.explanation?.[0] ?? ''),
    legend,
    h('ol', { class: 'breakdown' }, turns.map((turn, index) => breakdownRow(turn, longest, index))));
}

function review(call, onSaved, flash) {
  const status = h('select', { id: 'review-status', name: 'status' },
    h('option', { value: '' }, call.is_reviewed ? `Keep (${call.status})` : 'Not reviewed'),
    h('option', { value: 'reviewed_success' }, 'Reviewed: success'),
    h('option', { value: 'reviewed_failure' }, 'Reviewed: failure'));
  const feedback = h('textarea', { id: 'review-feedback', name: 'feedback', rows: '3' });
  feedback.value = call.feedback ?? '';
  const message = h('div', { 'aria-live': 'polite' });
  const save = h('button', { type: 'submit' }, 'Save review');
  const withdraw = call.is_reviewed ? h('button', { type: 'button', class: 'secondary' }, 'Withdraw review') : null;
  const form = h('form', { class: 'card', 'aria-labelledby': 'review-title' },
    h('h2', { id: 'review-title' }, 'Review'),
    h('div', { class: 'field' }, h('label', { for: 'review-status' }, 'Verdict'), status),
    h('div', { class: 'field' }, h('label', { for: 'review-feedback' }, 'Feedback'), feedback),
    message,
    h('div', { class: 'actions' }, save, withdraw));
  const send = async body => {
    save.disabled = true;
    replace(message);
    try {
      const saved = await api('PATCH', `/observability/v2/call-logs/${call.id}/`, body);
      announce('Review saved');
      // The page is redrawn from the stored call; the new form says it was saved.
      onSaved(saved, 'Saved.');
    } catch (error) {
      replace(message, errorBox(error));
    } finally {
      save.disabled = false;
    }
  };
  form.addEventListener('submit', event => {
    event.preventDefault();
    const body = { feedback: feedback.value };
    if (status.value) body.status = status.value;
    send(body);
  });
  withdraw?.addEventListener('click', () => send({ is_reviewed: false }));
  if (flash) replace(message, h('p', { class: 'ok' }, flash));
  return form;
}

function details(call) {
  const blocks = [];
  if (call.metadata && Object.keys(call.metadata).length) blocks.push(h('h3', {}, 'Metadata'), h('pre', { class: 'json' }, JSON.stringify(call.metadata, null, 2)));
  if (call.dynamic_variables && Object.keys(call.dynamic_variables).length) blocks.push(h('h3', {}, 'Dynamic variables'), h('pre', { class: 'json' }, JSON.stringify(call.dynamic_variables, null, 2)));
  if (call.redaction) blocks.push(h('h3', {}, 'Redaction'), h('pre', { class: 'json' }, JSON.stringify(call.redaction, null, 2)));
  return blocks.length ? h('section', { class: 'card', 'aria-labelledby': 'details-title' }, h('h2', { id: 'details-title' }, 'Details'), blocks) : null;
}

export async function callPage({ main, session, onStop }, id) {
  let call;
  try {
    call = await get(`/observability/v2/call-logs/${id}/`);
  } catch (error) {
    if (error.status === 404) {
      replace(main, h('h1', {}, 'Call not found'), h('p', {}, 'No call with this id in this project. ', h('a', { href: '/console/calls' }, 'Back to the calls')));
      return;
    }
    throw error;
  }
  let timer = null;
  let stopped = false;
  onStop(() => { stopped = true; clearTimeout(timer); });

  const draw = (current, flash) => {
    call = current;
    const { section, audio } = recording(call);
    replace(main,
      header(call, session),
      h('div', { class: 'columns' },
        h('div', { class: 'column wide' }, section, transcript(call, audio)),
        h('div', { class: 'column' }, review(call, draw, flash), details(call))),
      latencyBreakdown(call),
      metrics(call));
    document.title = `Call ${call.call_id} · Cekura console`;
  };
  draw(call);

  // Until the chain is done, the page follows the call's stage.
  const follow = async () => {
    if (stopped || FINAL_STAGES.has(call.processing_stage)) return;
    try {
      const fresh = await get(`/observability/v2/call-logs/${id}/`);
      if (stopped) return;
      if (fresh.updated_at !== call.updated_at) draw(fresh);
    } catch { /* keep what is shown; try again */ }
    timer = setTimeout(follow, REFRESH_MS);
  };
  timer = setTimeout(follow, REFRESH_MS);
}
