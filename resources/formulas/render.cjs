#!/usr/bin/env node
// Renders every formula of core/teach/formulas.inc (training batch norm, keyed by step id) and
// core/teach/family_formulas.inc (the family, keyed "layer/step") to resources/formulas/svg/KEY.svg
// with MathJax, and writes formulas.qrc listing them: the app loads ":/formulas/KEY.svg".
// The display formulas of Help > The derivation (resources/help/derivation.md, each between two
// lines that read "$$") are keyed "derivation/NN" in the order they appear; their TeX is listed
// in svg/derivation/tex.txt so that the app's tests notice a formula edited but not re-rendered.
// Run only when a formula changes:
//   cd resources/formulas && npm install && npm run render
// Qt SVG ignores MathJax's width and height in ex, so they are rewritten in px here; the
// colour stays `currentColor`, which the app replaces with the theme's text colour. Nested
// <svg> elements, which Qt SVG cannot draw, are flattened into groups.
'use strict';
const fs = require('fs');
const path = require('path');
const {mathjax} = require('mathjax-full/js/mathjax.js');
const {TeX} = require('mathjax-full/js/input/tex.js');
const {SVG} = require('mathjax-full/js/output/svg.js');
const {liteAdaptor} = require('mathjax-full/js/adaptors/liteAdaptor.js');
const {RegisterHTMLHandler} = require('mathjax-full/js/handlers/html.js');
const {AllPackages} = require('mathjax-full/js/input/tex/AllPackages.js');

const EX_PX = 9;  // 1ex in pixels at the size bnflow draws formulas (about a 20 px font)
const here = __dirname;
const sources = ['formulas.inc', 'family_formulas.inc'].map((name) => path.join(here, '..', '..', 'core', 'teach', name));
const outDir = path.join(here, 'svg');

const adaptor = liteAdaptor();
RegisterHTMLHandler(adaptor);
const document = mathjax.document('', {
  InputJax: new TeX({packages: AllPackages}),
  OutputJax: new SVG({fontCache: 'none'}),  // every SVG stands alone
});

// Qt SVG (SVG Tiny 1.2) does not draw an <svg> nested inside another, and drops what follows
// it: MathJax nests one for every stretchy delimiter (\left|, \Big|). Each becomes a <g> with
// the same placement: translate to (x, y), scale the viewBox onto width x height.
function flattenNestedSvg(svg) {
  const open = /<svg ([^>]*)>/g;
  const first = open.exec(svg);  // the outer element stays
  if (!first) return svg;
  const head = svg.slice(0, open.lastIndex);
  const rest = svg.slice(open.lastIndex).replace(/<svg ([^>]*)>/g, (_, attributes) => {
    const get = (name) => {
      const m = new RegExp(`(?:^|\\s)${name}="([^"]*)"`).exec(attributes);
      return m ? m[1] : null;
    };
    const x = parseFloat(get('x') || '0'), y = parseFloat(get('y') || '0');
    const width = parseFloat(get('width')), height = parseFloat(get('height'));
    const [vx, vy, vw, vh] = (get('viewBox') || `0 0 ${width} ${height}`).split(/\s+/).map(parseFloat);
    return `<g transform="translate(${x},${y}) scale(${width / vw},${height / vh}) translate(${-vx},${-vy})">`;
  });
  // The outer element's own </svg> is the last one; the others closed nested elements.
  const last = rest.lastIndexOf('</svg>');
  return head + rest.slice(0, last).replace(/<\/svg>/g, '</g>') + rest.slice(last);
}

function toPx(svg) {
  return svg.replace(/(width|height)="([-\d.]+)ex"/g,
                     (_, name, value) => `${name}="${(parseFloat(value) * EX_PX).toFixed(2)}px"`)
            .replace(/style="vertical-align: [-\d.]+ex;"/, '');
}

const entries = [];
for (const source of sources) {
  const before = entries.length;
  for (const line of fs.readFileSync(source, 'utf8').split('\n')) {
    const match = /^\{"([a-z0-9_]+(?:\/[a-z0-9_]+)?)", R"\((.*)\)"\},$/.exec(line);
    if (match) entries.push({id: match[1], tex: match[2]});
  }
  if (entries.length === before) throw new Error(`no formulas found in ${source}`);
}
// The same split as the dialog's (ui/window/derivation_dialog.cpp): a line "$$" opens and closes.
const derivation = [];
{
  let block = null;
  for (const line of fs.readFileSync(path.join(here, '..', 'help', 'derivation.md'), 'utf8').split('\n')) {
    if (line === '$$') {
      if (block === null) { block = []; continue; }
      derivation.push(block.join('\n'));
      block = null;
    } else if (block !== null) {
      block.push(line);
    }
  }
  if (block !== null) throw new Error('derivation.md: a $$ block is never closed');
  if (derivation.length === 0) throw new Error('no formulas found in derivation.md');
  derivation.forEach((tex, n) => entries.push({id: `derivation/${String(n + 1).padStart(2, '0')}`, tex}));
  // x̂ in the running text: a combining circumflex over x is drawn beside it by many fonts.
  entries.push({id: 'derivation/xhat', tex: '\\hat{x}', inline: true});
}
const ids = new Set(entries.map(({id}) => id));
if (ids.size !== entries.length) throw new Error('a formula key is written twice');

fs.rmSync(outDir, {recursive: true, force: true});
fs.mkdirSync(outDir);
for (const {id, tex, inline} of entries) {
  const node = document.convert(tex, {display: !inline, em: 20, ex: EX_PX, containerWidth: 1600});
  const svg = toPx(flattenNestedSvg(adaptor.innerHTML(node)));
  if (!/^<svg[^>]+width="[\d.]+px"/.test(svg)) throw new Error(`${id}: unexpected SVG ${svg.slice(0, 80)}`);
  if (svg.includes('data-mjx-error') || svg.includes('merror')) throw new Error(`${id}: TeX error in ${tex}`);
  fs.mkdirSync(path.dirname(path.join(outDir, `${id}.svg`)), {recursive: true});
  fs.writeFileSync(path.join(outDir, `${id}.svg`),
                   '<?xml version="1.0" encoding="UTF-8"?>\n' +
                   svg.replace('<svg ', '<svg xmlns:xlink="http://www.w3.org/1999/xlink" ') + '\n');
}
fs.writeFileSync(path.join(outDir, 'derivation', 'tex.txt'), derivation.join('\n%%\n') + '\n');
const qrc = ['<!DOCTYPE RCC><RCC version="1.0">', '<qresource prefix="/formulas">',
             ...entries.map(({id}) => `  <file alias="${id}.svg">svg/${id}.svg</file>`),
             '  <file alias="derivation/tex.txt">svg/derivation/tex.txt</file>',
             '</qresource>', '</RCC>', ''];
fs.writeFileSync(path.join(here, 'formulas.qrc'), qrc.join('\n'));
console.log(`rendered ${entries.length} formulas to ${outDir}`);
