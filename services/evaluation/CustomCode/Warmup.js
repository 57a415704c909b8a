// Run once when a CustomCodeRunner is created, with generous limits: the first use of each engine path compiles it
// (measured on the 2-core build VM: ~0.9 s for a first script using strings, arrays, JSON, dates and regular
// expressions), and that must not count against the first metrics' time limit. Touches what metric code commonly uses.
const turns = data.transcript_json;
const agent = turns.filter(t => t.role === 'Main Agent').map(t => ({ ...t, words: t.content.trim().split(/\s+/) }));
const words = agent.reduce((sum, t) => sum + t.words.length, 0);
const text = turns.map(t => `${t.role}: ${t.content}`).join('\n').toLowerCase();
const found = [...text.matchAll(/(book|thanks?)\b/g)].map(m => m[1]);
const counts = new Map();
for (const w of found) counts.set(w, (counts.get(w) || 0) + 1);
const unique = new Set(found);
const { metadata = {}, recording_data: recording } = data;
const speaking = recording ? recording.main_speaking.reduce((s, x) => s + (x.end - x.start), 0) : 0;
const sorted = [...agent].sort((a, b) => b.words.length - a.words.length || a.content.localeCompare(b.content));
const when = new Date(data.timestamp || 0);
class Tally { constructor() { this.n = 0; } add(x) { this.n += x; return this; } }
let failed = false;
try { JSON.parse('{'); } catch (e) { failed = e instanceof SyntaxError; }
const summary = JSON.stringify({ words, found, counts: Object.fromEntries(counts), unique: unique.size, speaking, metadata,
    first: sorted.length ? sorted[0].content.slice(0, 10).padEnd(12, '.') : '', year: when.getUTCFullYear(),
    iso: when.toISOString(), tally: new Tally().add(words).n, failed, fixed: (speaking / 3).toFixed(2),
    some: agent.some(t => t.content.includes('?')), every: agent.every(t => t.content.length > 0),
    keys: Object.keys(metadata).concat(Object.entries(metadata).map(([k]) => k)), max: Math.max(0, ...agent.map(t => t.words.length)),
    replaced: text.replace(/\d+/g, d => `<${d}>`).replaceAll('thanks', 'thank you').toUpperCase().indexOf('THANK'),
    flat: [[1], [2, [3]]].flat(Infinity).length, number: Number.parseFloat('1.5') + parseInt('2', 10), round: Math.round(2.5) }, null, 2);
_result = words > 0 && JSON.parse(summary).words === words;
_explanation = [summary.length + ' characters', String(data.metrics.length)];
