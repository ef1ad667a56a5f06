#!/usr/bin/env node
// Highlights a .tenet file with the extension's TextMate grammar, the way VS
// Code does (vscode-textmate and vscode-oniguruma are the libraries VS Code
// itself uses), and writes it as an HTML page in the colours of VS Code's
// default dark theme (Dark+). scripts/screenshot.sh turns the page into the
// PNG shown in the README.
//
//   node scripts/highlight.js FILE.tenet OUT.html [--title TEXT] [--lines A-B,C-D,...]
//   node scripts/highlight.js FILE.tenet --tokens     (prints every token's scopes)

'use strict';

const fs = require('fs');
const path = require('path');
const vsctm = require('vscode-textmate');
const oniguruma = require('vscode-oniguruma');

const root = path.join(__dirname, '..');

// The token colours of Dark+ for the scopes the Tenet grammar produces
// (from VS Code's dark_vs.json and dark_plus.json themes).
const theme = {
  name: 'Dark+',
  settings: [
    { settings: { foreground: '#D4D4D4', background: '#1E1E1E' } },
    { scope: 'comment', settings: { foreground: '#6A9955' } },
    { scope: 'string', settings: { foreground: '#CE9178' } },
    { scope: 'constant.character.escape', settings: { foreground: '#D7BA7D' } },
    { scope: 'constant.numeric', settings: { foreground: '#B5CEA8' } },
    { scope: 'constant.language', settings: { foreground: '#569CD6' } },
    { scope: ['storage', 'storage.type'], settings: { foreground: '#569CD6' } },
    { scope: 'keyword', settings: { foreground: '#569CD6' } },
    { scope: 'keyword.control', settings: { foreground: '#C586C0' } },
    { scope: 'keyword.operator', settings: { foreground: '#D4D4D4' } },
    {
      scope: ['keyword.operator.logical', 'keyword.operator.in'],
      settings: { foreground: '#569CD6' },
    },
    {
      scope: ['entity.name.type', 'entity.name.namespace', 'support.type'],
      settings: { foreground: '#4EC9B0' },
    },
    { scope: ['entity.name.function', 'support.function'], settings: { foreground: '#DCDCAA' } },
    { scope: 'entity.name.tag', settings: { foreground: '#569CD6' } },
    { scope: ['variable', 'meta.interpolation variable'], settings: { foreground: '#9CDCFE' } },
    { scope: 'variable.language', settings: { foreground: '#569CD6' } },
    { scope: 'punctuation.section.interpolation', settings: { foreground: '#569CD6' } },
    { scope: 'invalid', settings: { foreground: '#F44747' } },
  ],
};

async function loadGrammar() {
  const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scopeName) => {
      if (scopeName !== 'source.tenet') {
        return null;
      }
      const file = path.join(root, 'syntaxes', 'tenet.tmLanguage.json');
      return vsctm.parseRawGrammar(fs.readFileSync(file, 'utf8'), file);
    },
    theme,
  });
  return { registry, grammar: await registry.loadGrammar('source.tenet') };
}

function escapeHtml(text) {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

async function main() {
  const args = process.argv.slice(2);
  const option = (name) => {
    const i = args.indexOf(name);
    if (i < 0) {
      return undefined;
    }
    const value = args[i + 1];
    args.splice(i, 2);
    return value;
  };
  const tokensOnly = args.includes('--tokens');
  if (tokensOnly) {
    args.splice(args.indexOf('--tokens'), 1);
  }
  const title = option('--title');
  const range = option('--lines');
  const [input, output] = args;
  if (input === undefined || (!tokensOnly && output === undefined)) {
    console.error('usage: highlight.js FILE.tenet OUT.html [--title TEXT] [--lines A-B] | FILE.tenet --tokens');
    process.exit(2);
  }

  const { registry, grammar } = await loadGrammar();
  let lines = fs.readFileSync(input, 'utf8').replace(/\r\n?/g, '\n').split('\n');
  if (lines[lines.length - 1] === '') {
    lines.pop();
  }
  const colors = registry.getColorMap();
  let stack = vsctm.INITIAL;
  const html = [];
  // The lines to show: all, or the ranges given, with a gap row between them.
  const ranges = (range ?? `1-${lines.length}`).split(',').map((r) => r.split('-').map(Number));
  const shown = (n) => ranges.some(([a, b]) => n >= a && n <= (b ?? a));
  let previousShown = 0;

  lines.forEach((line, index) => {
    const number = index + 1;
    if (tokensOnly) {
      const result = grammar.tokenizeLine(line, stack);
      for (const token of result.tokens) {
        const text = line.slice(token.startIndex, token.endIndex);
        console.log(`${number}:${token.startIndex} ${JSON.stringify(text)} ${token.scopes.slice(1).join(' ')}`);
      }
      stack = result.ruleStack;
      return;
    }
    const result = grammar.tokenizeLine2(line, stack);
    stack = result.ruleStack;
    if (!shown(number)) {
      return;
    }
    if (previousShown !== 0 && previousShown !== number - 1) {
      html.push('<div class="line gap"><span class="gutter">\u22ee</span></div>');
    }
    previousShown = number;
    const spans = [];
    const data = result.tokens;
    for (let i = 0; i < data.length; i += 2) {
      const start = data[i];
      const end = i + 2 < data.length ? data[i + 2] : line.length;
      const meta = data[i + 1];
      // The foreground colour index and the font style, packed into the
      // token's metadata as vscode-textmate's EncodedTokenAttributes does.
      const foreground = colors[(meta & 0x00ff8000) >>> 15];
      const fontStyle = (meta & 0x00007800) >>> 11;
      const style = [`color:${foreground}`];
      if (fontStyle & 1) style.push('font-style:italic');
      if (fontStyle & 2) style.push('font-weight:bold');
      spans.push(`<span style="${style.join(';')}">${escapeHtml(line.slice(start, end))}</span>`);
    }
    html.push(`<div class="line"><span class="gutter">${number}</span>${spans.join('')}</div>`);
  });

  if (tokensOnly) {
    return;
  }
  const heading = title ?? path.basename(input);
  const page = `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>${escapeHtml(heading)}</title>
<style>
  html, body { margin: 0; background: #1E1E1E; }
  .tab { font: 13px system-ui, sans-serif; color: #FFFFFF; background: #1E1E1E;
         border-top: 1px solid #0078D4; display: inline-block; padding: 8px 16px; }
  .bar { background: #252526; height: 35px; }
  pre { margin: 0; padding: 8px 0; font: 13px/18px "DejaVu Sans Mono", "Cascadia Code", Menlo, monospace;
        color: #D4D4D4; }
  .gutter { display: inline-block; width: 48px; padding-right: 20px; text-align: right; color: #6E7681; }
  .line { white-space: pre; }
</style></head>
<body><div class="bar"><span class="tab">${escapeHtml(heading)}</span></div>
<pre>${html.join('')}</pre></body></html>
`;
  fs.writeFileSync(output, page);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
