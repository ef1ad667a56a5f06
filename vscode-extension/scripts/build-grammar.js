#!/usr/bin/env node
// Writes syntaxes/tenet.tmLanguage.json, the TextMate grammar of Tenet.
//
// The grammar is written here, rather than as JSON by hand, so that the
// regular expressions for names, requirement identifiers and keyword
// boundaries are spelt once. Edit this file, then run
//
//   npm run build:grammar            (writes the JSON)
//   node scripts/build-grammar.js --check   (fails if the JSON is stale)
//
// The tokens follow grammar/TenetLexer.g4 and docs/language.md.

'use strict';

const fs = require('fs');
const path = require('path');

// A name: letters, digits and `_`, with inner hyphens (`weak-modal`, `OC-01`).
const NAME = '[A-Za-z_][A-Za-z0-9_]*(?:-[A-Za-z0-9_]+)*';
// Keyword boundaries: a keyword is not part of a longer name (`all-users`,
// `x-none`) and not a field after a dot (`inventory.count`, `i.group`).
const B = '(?<![\\w.]|\\w-)';
const E = '(?![\\w]|-\\w)';
// A requirement identifier: pieces (names, whole or decimal numbers) joined
// by dots, written without spaces: `A.5.15`, `CC6.1`, `9.2`, `GV.OC-01`.
const PIECE = `(?:${NAME}|[0-9]+)`;
const REQ_ID = `${PIECE}(?:\\.${PIECE})*`;
const UNIT = '(?:days?|weeks?|months?|years?)';
const kw = (words) => `${B}(?:${words.join('|')})${E}`;

const DECLARATIONS = ['project', 'role', 'policy', 'control', 'facts', 'framework', 'group',
  'requirement', 'crosswalk', 'applicability', 'exception'];
const ITEMS = ['section', 'statement', 'satisfies', 'expect', 'evidence', 'fresh', 'within',
  'every', 'schema', 'lint', 'exclude', 'because'];
const TYPES = ['bool', 'int', 'number', 'string', 'date', 'duration', 'list'];

const grammar = {
  $schema: 'https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json',
  name: 'Tenet',
  scopeName: 'source.tenet',
  fileTypes: ['tenet'],
  patterns: [{ include: '#top' }],
  repository: {
    top: {
      patterns: [
        { include: '#comments' },
        { include: '#crosswalk' },
        { include: '#schema' },
        { include: '#lint-block' },
        { include: '#satisfies' },
        { include: '#declaration' },
        { include: '#exclude' },
        { include: '#values' },
        { include: '#blocks' },
      ],
    },

    // ---------------------------------------------------------------- comments
    comments: {
      patterns: [
        {
          comment: 'A lint suppression: // tenet-ignore rule, rule: reason',
          match: '(//)\\s*(tenet-ignore)(?![\\w-])([^:\\n]*)(?::(.*))?$',
          name: 'comment.line.double-slash.tenet',
          captures: {
            1: { name: 'punctuation.definition.comment.tenet' },
            2: { name: 'keyword.other.suppression.tenet' },
            3: {
              patterns: [
                { match: NAME, name: 'entity.name.tag.lint-rule.tenet' },
                { match: ',', name: 'punctuation.separator.comma.tenet' },
              ],
            },
          },
        },
        {
          match: '(//).*$',
          name: 'comment.line.double-slash.tenet',
          captures: { 1: { name: 'punctuation.definition.comment.tenet' } },
        },
        {
          comment: 'Comments of other languages are errors in Tenet (unexpected-character).',
          begin: '/\\*',
          end: '\\*/',
          name: 'invalid.illegal.comment.block.tenet',
        },
        {
          match: '#(?:[^/\\n]|/(?!/))*',
          name: 'invalid.illegal.comment.hash.tenet',
        },
      ],
    },

    // ----------------------------------------------------------------- strings
    strings: {
      patterns: [{ include: '#prose' }, { include: '#string' }],
    },
    prose: {
      begin: '"""',
      end: '"""',
      name: 'string.quoted.triple.tenet',
      beginCaptures: { 0: { name: 'punctuation.definition.string.begin.tenet' } },
      endCaptures: { 0: { name: 'punctuation.definition.string.end.tenet' } },
      patterns: [{ include: '#interpolation' }],
    },
    string: {
      begin: '"',
      end: '"|$',
      name: 'string.quoted.double.tenet',
      beginCaptures: { 0: { name: 'punctuation.definition.string.begin.tenet' } },
      endCaptures: { 0: { name: 'punctuation.definition.string.end.tenet' } },
      patterns: [
        { match: '\\\\["\\\\nt]', name: 'constant.character.escape.tenet' },
        { match: '\\\\.?', name: 'invalid.illegal.escape.tenet' },
        { include: '#interpolation' },
      ],
    },
    interpolation: {
      patterns: [
        { match: '\\{\\{', name: 'constant.character.escape.brace.tenet' },
        {
          match: `(\\{)\\s*(${NAME}(?:\\.${NAME})*)\\s*(\\})`,
          name: 'meta.interpolation.tenet',
          captures: {
            1: { name: 'punctuation.section.interpolation.begin.tenet' },
            2: { name: 'variable.other.interpolation.tenet' },
            3: { name: 'punctuation.section.interpolation.end.tenet' },
          },
        },
        {
          comment: 'Braces around something other than a (dotted) name: invalid-interpolation.',
          match: '\\{[^}\\n]*\\}',
          name: 'invalid.illegal.interpolation.tenet',
        },
        {
          comment: 'A brace not closed on its line: unclosed-interpolation.',
          match: '\\{',
          name: 'invalid.illegal.unclosed-interpolation.tenet',
        },
      ],
    },

    // ------------------------------------------------------------ declarations
    declaration: {
      patterns: [
        {
          match: `${B}(project|role|policy|facts|framework|exception)\\s+(${NAME})${E}`,
          captures: {
            1: { name: 'storage.type.$1.tenet' },
            2: { name: 'entity.name.type.$1.tenet' },
          },
        },
        {
          match: `${B}(control)\\s+(${NAME})${E}`,
          captures: {
            1: { name: 'storage.type.control.tenet' },
            2: { name: 'entity.name.function.control.tenet' },
          },
        },
        {
          match: `${B}(requirement)\\s+(${REQ_ID})${E}`,
          captures: {
            1: { name: 'storage.type.requirement.tenet' },
            2: { name: 'constant.other.requirement.tenet' },
          },
        },
        {
          match: `${B}(applicability)\\s+(${NAME})${E}`,
          captures: {
            1: { name: 'storage.type.applicability.tenet' },
            2: { name: 'entity.name.namespace.framework.tenet' },
          },
        },
        {
          match: `${B}(${DECLARATIONS.join('|')})${E}`,
          captures: { 1: { name: 'storage.type.$1.tenet' } },
        },
      ],
    },

    crosswalk: {
      comment: 'crosswalk FROM -> TO "title" { relations }: its body holds no nested braces.',
      begin: `${B}(crosswalk)(?:\\s+(${NAME})(?:\\s*(->)\\s*(${NAME}))?)?${E}`,
      beginCaptures: {
        1: { name: 'storage.type.crosswalk.tenet' },
        2: { name: 'entity.name.namespace.framework.tenet' },
        3: { name: 'keyword.operator.arrow.tenet' },
        4: { name: 'entity.name.namespace.framework.tenet' },
      },
      end: '\\}',
      endCaptures: { 0: { name: 'punctuation.section.block.end.tenet' } },
      name: 'meta.crosswalk.tenet',
      patterns: [
        { include: '#comments' },
        { include: '#strings' },
        { include: '#property-key' },
        {
          match: `${B}(none|${REQ_ID})\\s*(->)\\s*(none|${REQ_ID})(?:\\s+(equal|subset|superset|intersects|${NAME}))?${E}`,
          name: 'meta.relation.tenet',
          captures: {
            1: { patterns: [{ include: '#relation-end' }] },
            2: { name: 'keyword.operator.arrow.tenet' },
            3: { patterns: [{ include: '#relation-end' }] },
            4: { patterns: [{ include: '#relation-type' }] },
          },
        },
        { match: '\\{', name: 'punctuation.section.block.begin.tenet' },
        { include: '#values' },
      ],
    },
    'relation-end': {
      patterns: [
        { match: 'none$', name: 'constant.language.none.tenet' },
        { match: '.+', name: 'constant.other.requirement.tenet' },
      ],
    },
    'relation-type': {
      patterns: [
        { match: '(?:equal|subset|superset|intersects)$', name: 'constant.language.relation.tenet' },
        { match: '.+', name: 'invalid.illegal.relation.tenet' },
      ],
    },

    exclude: {
      match: `${B}(exclude)(?:\\s+(${REQ_ID}))?${E}`,
      captures: {
        1: { name: 'keyword.other.exclude.tenet' },
        2: { name: 'constant.other.requirement.tenet' },
      },
    },

    satisfies: {
      comment: 'satisfies fw.ID, fw.ID, ...: the list may continue on the next line after a comma.',
      begin: `${B}(satisfies)${E}`,
      beginCaptures: { 1: { name: 'keyword.other.satisfies.tenet' } },
      end: `(?=[^\\s,])(?!${NAME}\\.)`,
      name: 'meta.satisfies.tenet',
      patterns: [
        { include: '#requirement-reference' },
        { match: ',', name: 'punctuation.separator.comma.tenet' },
      ],
    },
    'requirement-reference': {
      match: `(${NAME})(\\.)(${REQ_ID})?`,
      name: 'meta.requirement-reference.tenet',
      captures: {
        1: { name: 'entity.name.namespace.framework.tenet' },
        2: { name: 'punctuation.accessor.tenet' },
        3: { name: 'constant.other.requirement.tenet' },
      },
    },

    schema: {
      comment: 'schema { field: type, ... }: field names may be reserved words.',
      begin: `${B}(schema)${E}`,
      beginCaptures: { 1: { name: 'keyword.other.schema.tenet' } },
      end: '(?<=\\})',
      name: 'meta.schema.tenet',
      patterns: [{ include: '#comments' }, { include: '#record-type' }],
    },
    'record-type': {
      begin: '\\{',
      end: '\\}',
      beginCaptures: { 0: { name: 'punctuation.section.block.begin.tenet' } },
      endCaptures: { 0: { name: 'punctuation.section.block.end.tenet' } },
      patterns: [
        { include: '#comments' },
        {
          match: `(${NAME})\\s*(:)`,
          captures: {
            1: { name: 'variable.other.field.tenet' },
            2: { name: 'punctuation.separator.key-value.tenet' },
          },
        },
        { include: '#type' },
        { match: ',', name: 'punctuation.separator.comma.tenet' },
      ],
    },
    type: {
      patterns: [
        { include: '#comments' },
        { include: '#record-type' },
        { include: '#string' },
        { match: `${B}(?:${TYPES.join('|')})${E}`, name: 'support.type.primitive.tenet' },
        { match: '<', name: 'punctuation.definition.typeparameters.begin.tenet' },
        { match: '>', name: 'punctuation.definition.typeparameters.end.tenet' },
        { match: '\\?', name: 'keyword.operator.optional.tenet' },
        { match: '\\|', name: 'keyword.operator.union.tenet' },
        { match: NAME, name: 'entity.name.type.tenet' },
      ],
    },

    'lint-block': {
      begin: `${B}(lint)\\s*(\\{)`,
      beginCaptures: {
        1: { name: 'keyword.other.lint.tenet' },
        2: { name: 'punctuation.section.block.begin.tenet' },
      },
      end: '\\}',
      endCaptures: { 0: { name: 'punctuation.section.block.end.tenet' } },
      name: 'meta.lint.tenet',
      patterns: [
        { include: '#comments' },
        {
          match: `(${NAME})\\s*(=)(?!=)`,
          captures: {
            1: { name: 'entity.name.tag.lint-rule.tenet' },
            2: { name: 'keyword.operator.assignment.tenet' },
          },
        },
        { match: `${B}(?:error|warning|off)${E}`, name: 'constant.language.lint-level.tenet' },
        { include: '#values' },
      ],
    },

    // ----------------------------------------------- properties and expressions
    'property-key': {
      match: `${B}(${NAME})\\s*(=)(?!=)`,
      captures: {
        1: { name: 'variable.other.property.tenet' },
        2: { name: 'keyword.operator.assignment.tenet' },
      },
    },
    blocks: {
      patterns: [
        { match: '\\{', name: 'punctuation.section.block.begin.tenet' },
        { match: '\\}', name: 'punctuation.section.block.end.tenet' },
      ],
    },
    values: {
      patterns: [
        { include: '#comments' },
        { include: '#strings' },
        { include: '#property-key' },
        { include: '#quantifier' },
        { include: '#cadence' },
        { include: '#keywords' },
        { include: '#date' },
        { include: '#duration' },
        { include: '#number' },
        { include: '#builtin-call' },
        { include: '#member' },
        { include: '#name' },
        { include: '#operators' },
        { include: '#punctuation' },
        {
          comment: 'Any other character is an unexpected-character error (a stray ! ; @ or a non-ASCII letter).',
          match: '[^\\sA-Za-z0-9_]',
          name: 'invalid.illegal.character.tenet',
        },
      ],
    },
    quantifier: {
      patterns: [
        {
          match: `${B}(all|any)\\s+(${NAME})\\s+(in)${E}`,
          captures: {
            1: { name: 'keyword.control.quantifier.$1.tenet' },
            2: { name: 'variable.parameter.tenet' },
            3: { name: 'keyword.operator.in.tenet' },
          },
        },
        {
          match: `${B}(count)\\s*(\\()\\s*(${NAME})\\s+(in)${E}`,
          captures: {
            1: { name: 'keyword.control.count.tenet' },
            2: { name: 'punctuation.section.parens.begin.tenet' },
            3: { name: 'variable.parameter.tenet' },
            4: { name: 'keyword.operator.in.tenet' },
          },
        },
      ],
    },
    keywords: {
      patterns: [
        {
          match: `${B}(${ITEMS.join('|')})${E}`,
          captures: { 1: { name: 'keyword.other.$1.tenet' } },
        },
        { match: `${B}(?:all|any)${E}`, name: 'keyword.control.quantifier.tenet' },
        {
          match: `${B}(count|where|else)${E}`,
          captures: { 1: { name: 'keyword.control.$1.tenet' } },
        },
        {
          match: `${B}(and|or|not)${E}`,
          captures: { 1: { name: 'keyword.operator.logical.$1.tenet' } },
        },
        { match: `${B}in${E}`, name: 'keyword.operator.in.tenet' },
        {
          match: `${B}(true|false)${E}`,
          captures: { 1: { name: 'constant.language.boolean.$1.tenet' } },
        },
        { match: `${B}none${E}`, name: 'constant.language.none.tenet' },
        { match: `${B}today${E}`, name: 'variable.language.today.tenet' },
        { match: `${B}${UNIT}${E}`, name: 'keyword.other.unit.tenet' },
        { include: '#declaration' },
      ],
    },
    cadence: {
      match: `${B}(every)\\s+([0-9]+)\\s+(${UNIT})${E}`,
      name: 'meta.cadence.tenet',
      captures: {
        1: { name: 'keyword.other.every.tenet' },
        2: { name: 'constant.numeric.integer.tenet' },
        3: { name: 'keyword.other.unit.tenet' },
      },
    },
    date: {
      match: '(?<![\\w.])[0-9]{4}-[0-9]{2}-[0-9]{2}(?![\\w.]|-\\w)',
      name: 'constant.numeric.date.tenet',
    },
    duration: {
      match: `(?<![\\w])([0-9]+)\\s+(${UNIT})${E}`,
      name: 'meta.duration.tenet',
      captures: {
        1: { name: 'constant.numeric.integer.tenet' },
        2: { name: 'keyword.other.unit.tenet' },
      },
    },
    number: {
      patterns: [
        { match: '(?<![\\w])[0-9]+\\.[0-9]+(?![\\w.])', name: 'constant.numeric.decimal.tenet' },
        { match: '(?<![\\w])[0-9]+(?![\\w])', name: 'constant.numeric.integer.tenet' },
      ],
    },
    'builtin-call': {
      match: `${B}(age|len)(?=\\s*\\()`,
      name: 'support.function.builtin.tenet',
    },
    member: {
      match: `(\\.)(${NAME})`,
      captures: {
        1: { name: 'punctuation.accessor.tenet' },
        2: { name: 'variable.other.member.tenet' },
      },
    },
    name: {
      match: NAME,
      name: 'variable.other.tenet',
    },
    operators: {
      patterns: [
        { match: '->', name: 'keyword.operator.arrow.tenet' },
        { match: '==|!=|<=|>=|<|>', name: 'keyword.operator.comparison.tenet' },
        { match: '=', name: 'keyword.operator.assignment.tenet' },
        { match: '[+-]', name: 'keyword.operator.arithmetic.tenet' },
        { match: '\\?', name: 'keyword.operator.optional.tenet' },
        { match: '\\|', name: 'keyword.operator.union.tenet' },
      ],
    },
    punctuation: {
      patterns: [
        { match: ',', name: 'punctuation.separator.comma.tenet' },
        { match: ':', name: 'punctuation.separator.colon.tenet' },
        { match: '\\.', name: 'punctuation.accessor.tenet' },
        { match: '\\[', name: 'punctuation.section.brackets.begin.tenet' },
        { match: '\\]', name: 'punctuation.section.brackets.end.tenet' },
        { match: '\\(', name: 'punctuation.section.parens.begin.tenet' },
        { match: '\\)', name: 'punctuation.section.parens.end.tenet' },
        { include: '#blocks' },
      ],
    },
  },
};

const output = path.join(__dirname, '..', 'syntaxes', 'tenet.tmLanguage.json');
const text = JSON.stringify(grammar, null, 2) + '\n';

if (process.argv.includes('--check')) {
  const current = fs.existsSync(output) ? fs.readFileSync(output, 'utf8') : '';
  if (current !== text) {
    console.error(`${output} is out of date: run npm run build:grammar`);
    process.exit(1);
  }
  console.log('syntaxes/tenet.tmLanguage.json is up to date');
} else {
  fs.writeFileSync(output, text);
  console.log(`wrote ${path.relative(process.cwd(), output)}`);
}
