import { h } from '../dom.js';

/** A labelled control; hint text is tied to it with aria-describedby. */
export function field(id, label, control, hint) {
  if (hint) control.setAttribute('aria-describedby', `${id}-hint`);
  return h('div', { class: 'field' },
    h('label', { for: id }, label),
    control,
    hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null);
}

export function input(id, value, attributes = {}) {
  const element = h('input', { id, name: id, ...attributes });
  element.value = value ?? '';
  return element;
}

export function textarea(id, value, rows = 4) {
  const element = h('textarea', { id, name: id, rows: String(rows) });
  element.value = value ?? '';
  return element;
}

export function choice(id, value, options) {
  return h('select', { id, name: id }, options.map(([v, text]) => h('option', { value: v, selected: v === value }, text)));
}

/** A multi-select of ids, e.g. the metrics of an agent. */
export function many(id, selected, options) {
  const chosen = new Set((selected ?? []).map(String));
  return h('select', { id, name: id, multiple: true, size: String(Math.min(8, Math.max(3, options.length))) },
    options.map(([v, text]) => h('option', { value: v, selected: chosen.has(String(v)) }, text)));
}

export function selectedIds(select) {
  return [...select.selectedOptions].map(o => Number(o.value));
}

export function list(text) {
  return text.split(',').map(s => s.trim()).filter(Boolean);
}

export function numberOrNull(text) {
  return text.trim() === '' ? null : Number(text);
}
