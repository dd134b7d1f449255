// Minimal stand-in for zod: each call builds a plain JSON descriptor, so the generated file evaluates to data.
const fs = require('fs');
class S {
  constructor(d) { Object.assign(this, d); }
  _c(extra) { return new S({...this, ...extra}); }
  gte(n) { return this._c({min: n}); } lte(n) { return this._c({max: n}); }
  min(n) { return this._c({minItems: n}); } max(n) { return this._c({maxItems: n}); }
  register(_r, meta) { return this._c({description: meta && meta.description}); }
  default(v) { return this._c({default: v, optional: true}); }
  optional() { return this._c({optional: true}); }
  int() { return this; }
}
const z = {
  globalRegistry: {},
  object: (shape) => new S({type: 'object', properties: shape}),
  string: () => new S({type: 'string'}), boolean: () => new S({type: 'boolean'}),
  int: () => new S({type: 'integer'}), number: () => new S({type: 'number'}),
  unknown: () => new S({type: 'any'}), never: () => new S({type: 'never'}), null: () => new S({type: 'null'}),
  enum: (vals) => new S({type: 'enum', enum: vals}), literal: (v) => new S({type: 'enum', enum: [v]}),
  union: (opts) => new S({type: 'union', anyOf: opts}), array: (item) => new S({type: 'array', items: item}),
  record: (a, b) => new S({type: 'object', additional: b || a}), tuple: (items) => new S({type: 'tuple', items}),
  optional: (s) => s._c({optional: true}),
};
const src = fs.readFileSync(process.argv[2], 'utf8').replace(/^import .*$/m, '').replace(/^export const /gm, 'const ');
const wanted = JSON.parse(fs.readFileSync(process.argv[3], 'utf8'));  // {endpoint: "zTypeName"}
const out = {};
const body = src + '\n;' + Object.entries(wanted).map(([ep, t]) => `out[${JSON.stringify(ep)}] = ${t};`).join('\n');
new Function('z', 'out', body)(z, out);
// drop descriptions' noise? keep them short
const strip = (s) => { if (Array.isArray(s)) return s.map(strip); if (s && typeof s === 'object') { const o = {}; for (const [k, v] of Object.entries(s)) { if (k === 'description') continue; o[k] = strip(v); } return o; } return s; };
process.stdout.write(JSON.stringify(strip(out), null, 1));
