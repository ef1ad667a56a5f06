#!/usr/bin/env node
// Checks the grammar and the language configuration against real Tenet
// files (by default the Acme example and the stdlib of this repository):
//
// 1. no token of a valid file gets an `invalid.*` scope;
// 2. the folding markers of language-configuration.json, applied line by line
//    as VS Code does, fold exactly the multi-line prose blocks the grammar
//    finds: every opening line matches `start`, its closing line matches
//    `end`, and no other line matches either.
//
//   node scripts/check-files.js [FILE.tenet | FOLDER ...]

'use strict';

const fs = require('fs');
const path = require('path');
const vsctm = require('vscode-textmate');
const oniguruma = require('vscode-oniguruma');

const root = path.join(__dirname, '..');

function listTenetFiles(target) {
  const stat = fs.statSync(target);
  if (stat.isFile()) {
    return [target];
  }
  return fs
    .readdirSync(target, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      const full = path.join(target, entry.name);
      if (entry.isDirectory()) {
        return listTenetFiles(full);
      }
      return entry.name.endsWith('.tenet') ? [full] : [];
    });
}

async function main() {
  const targets = process.argv.slice(2);
  if (targets.length === 0) {
    targets.push(path.join(root, '..', 'examples', 'acme'), path.join(root, '..', 'stdlib'));
  }
  const files = targets.flatMap(listTenetFiles);
  if (files.length === 0) {
    console.error('check-files: no .tenet files found');
    process.exit(1);
  }

  const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async () => {
      const file = path.join(root, 'syntaxes', 'tenet.tmLanguage.json');
      return vsctm.parseRawGrammar(fs.readFileSync(file, 'utf8'), file);
    },
  });
  const grammar = await registry.loadGrammar('source.tenet');
  const config = JSON.parse(fs.readFileSync(path.join(root, 'language-configuration.json'), 'utf8'));
  const start = new RegExp(config.folding.markers.start);
  const end = new RegExp(config.folding.markers.end);

  let problems = 0;
  let proseBlocks = 0;
  const report = (file, line, message) => {
    problems++;
    console.error(`${path.relative(process.cwd(), file)}:${line}: ${message}`);
  };

  for (const file of files) {
    const lines = fs.readFileSync(file, 'utf8').split(/\r\n|\r|\n/);
    let stack = vsctm.INITIAL;
    const opens = new Set();
    const closes = new Set();
    let openLine = -1;
    lines.forEach((line, index) => {
      const { tokens, ruleStack } = grammar.tokenizeLine(line, stack);
      stack = ruleStack;
      for (const token of tokens) {
        const scopes = token.scopes.join(' ');
        const text = line.slice(token.startIndex, token.endIndex);
        if (scopes.includes('invalid.')) {
          report(file, index + 1, `${JSON.stringify(text)} is scoped ${scopes}`);
        }
        if (scopes.includes('string.quoted.triple.tenet punctuation.definition.string.begin')) {
          openLine = index;
        }
        if (scopes.includes('string.quoted.triple.tenet punctuation.definition.string.end')) {
          if (openLine !== index) {
            opens.add(openLine);
            closes.add(index);
            proseBlocks++;
          }
          openLine = -1;
        }
      }
    });
    lines.forEach((line, index) => {
      if (start.test(line) !== opens.has(index)) {
        report(file, index + 1, opens.has(index)
          ? 'this line opens a prose block but does not match folding.markers.start'
          : 'this line matches folding.markers.start but opens no prose block');
      }
      if (end.test(line) !== closes.has(index)) {
        report(file, index + 1, closes.has(index)
          ? 'this line closes a prose block but does not match folding.markers.end'
          : 'this line matches folding.markers.end but closes no prose block');
      }
    });
  }

  if (problems > 0) {
    console.error(`check-files: ${problems} problem(s) in ${files.length} files`);
    process.exit(1);
  }
  console.log(`check-files: ${files.length} files, ${proseBlocks} prose blocks: no invalid tokens, folding markers match`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
