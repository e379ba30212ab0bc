// The MDX grammar (syntaxes/mdx.tmLanguage.json) tokenized by vscode-textmate with the Oniguruma
// engine VS Code uses. VS Code's built-in Markdown and JavaScript grammars do not exist outside VS
// Code, so `text.html.markdown` and `source.js` are small stand-ins with the same scope names and the
// same shape of rules (headings, paragraphs as begin/while, indented code; keywords and braces).

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import * as oniguruma from 'vscode-oniguruma';
import { INITIAL, Registry, parseRawGrammar, type IGrammar, type IRawGrammar, type StateStack } from 'vscode-textmate';

const EXTENSION = path.resolve(__dirname, '..', '..');

const MARKDOWN_STUB = {
  scopeName: 'text.html.markdown',
  patterns: [{ include: '#heading' }, { include: '#raw_block' }, { include: '#paragraph' }],
  repository: {
    heading: {
      match: '(?:^|\\G)[ ]{0,3}(#{1,6})\\s+(.*?)\\s*$',
      name: 'markup.heading.markdown',
      captures: {
        1: { name: 'punctuation.definition.heading.markdown' },
        2: { name: 'entity.name.section.markdown', patterns: [{ include: '#inline' }] },
      },
    },
    raw_block: { begin: '(^|\\G)([ ]{4}|\\t)', while: '(^|\\G)([ ]{4}|\\t)', name: 'markup.raw.block.markdown' },
    paragraph: {
      begin: '(^|\\G)[ ]{0,3}(?=\\S)',
      while: '(^|\\G)((?=\\s*[-=]{3,}\\s*$)|[ ]{4,}(?=\\S))',
      name: 'meta.paragraph.markdown',
      patterns: [{ include: '#inline' }],
    },
    inline: {
      patterns: [
        { match: '(\\*\\*)[^*]+(\\*\\*)', name: 'markup.bold.markdown' },
        { match: '`[^`]+`', name: 'markup.inline.raw.string.markdown' },
      ],
    },
  },
};

const JAVASCRIPT_STUB = {
  scopeName: 'source.js',
  patterns: [
    { match: '\\b(import|export|from|const|default)\\b', name: 'keyword.control.js' },
    { begin: "'", end: "'", name: 'string.quoted.single.js' },
    { begin: '"', end: '"', name: 'string.quoted.double.js' },
    { begin: '\\{', end: '\\}', name: 'meta.block.js', patterns: [{ include: '$self' }] },
    { begin: '/\\*', end: '\\*/', name: 'comment.block.js' },
  ],
};

function stub(grammar: object, file: string): IRawGrammar {
  return parseRawGrammar(JSON.stringify(grammar), file);
}

async function loadGrammar(): Promise<IGrammar> {
  const wasm = readFileSync(createRequire(__filename).resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const file = path.join(EXTENSION, 'syntaxes', 'mdx.tmLanguage.json');
  const registry = new Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (sources: string[]) => new oniguruma.OnigScanner(sources),
      createOnigString: (text: string) => new oniguruma.OnigString(text),
    }),
    loadGrammar: async (scopeName: string) => {
      switch (scopeName) {
        case 'source.mdx':
          return parseRawGrammar(readFileSync(file, 'utf8'), file);
        case 'text.html.markdown':
          return stub(MARKDOWN_STUB, 'markdown.json');
        case 'source.js':
          return stub(JAVASCRIPT_STUB, 'javascript.json');
        default:
          return null;
      }
    },
  });
  const grammar = await registry.loadGrammar('source.mdx');
  assert.ok(grammar, 'source.mdx did not load');
  return grammar;
}

interface Token {
  line: number;
  text: string;
  scopes: string[];
}

function tokenize(grammar: IGrammar, source: string): Token[] {
  const tokens: Token[] = [];
  let state: StateStack = INITIAL;
  source.split('\n').forEach((line, index) => {
    const result = grammar.tokenizeLine(line, state);
    for (const token of result.tokens) {
      tokens.push({ line: index, text: line.slice(token.startIndex, token.endIndex), scopes: token.scopes });
    }
    state = result.ruleStack;
  });
  return tokens;
}

/** The scopes of the first token whose text contains `needle` (on `line`, when given). */
function scopesOf(tokens: readonly Token[], needle: string, line?: number): string[] {
  const token = tokens.find((t) => t.text.includes(needle) && (line === undefined || t.line === line));
  assert.ok(token, `no token contains ${JSON.stringify(needle)}: ${JSON.stringify(tokens.map((t) => t.text))}`);
  return token.scopes;
}

const SAMPLE = [
  "import { Chart } from './chart'",
  "export const meta = { pack: 'quick_social_basic' }",
  '',
  '# Client Overview',
  '',
  'Glow Botanicals sells clean skincare, 2024–2025, to **women** online.',
  '',
  '<Chart data={sales} title="Q1" />',
  '',
  '<Callout kind="tip">',
  'Posts go out at {meta.time}, see `code {not js}`.',
  '</Callout>',
  '',
  '{/* a note for the team */}',
  '',
  '{',
  '  items.length',
  '}',
  '',
  '    indented <Badge /> text',
  '',
  'The import of goods is a < b and not a tag.',
].join('\n');

describe('the MDX grammar', () => {
  let tokens: Token[] = [];

  before(async () => {
    tokens = tokenize(await loadGrammar(), SAMPLE);
  });

  test('import and export lines are ESM: embedded source.js up to the blank line', () => {
    assert.deepEqual(scopesOf(tokens, 'import', 0), ['source.mdx', 'meta.embedded.block.esm.mdx', 'source.js', 'keyword.control.js']);
    assert.deepEqual(scopesOf(tokens, './chart', 0), ['source.mdx', 'meta.embedded.block.esm.mdx', 'source.js', 'string.quoted.single.js']);
    assert.deepEqual(scopesOf(tokens, 'const', 1), ['source.mdx', 'meta.embedded.block.esm.mdx', 'source.js', 'keyword.control.js']);
    // "import" inside prose is not ESM.
    assert.deepEqual(scopesOf(tokens, 'The import of goods', 21), ['source.mdx', 'meta.paragraph.markdown']);
  });

  test('a heading is the Markdown grammar’s heading', () => {
    assert.deepEqual(scopesOf(tokens, 'Client Overview', 3), ['source.mdx', 'markup.heading.markdown', 'entity.name.section.markdown']);
  });

  test('an en dash in prose is plain paragraph text', () => {
    const token = tokens.find((t) => t.text.includes('–'));
    assert.ok(token);
    assert.deepEqual(token.scopes, ['source.mdx', 'meta.paragraph.markdown']);
    assert.deepEqual(scopesOf(tokens, '**women**', 5), ['source.mdx', 'meta.paragraph.markdown', 'markup.bold.markdown']);
  });

  test('a self-closing JSX tag: component name, attributes, a JS expression and a string', () => {
    const tag = ['source.mdx', 'meta.embedded.jsx.mdx'];
    assert.deepEqual(scopesOf(tokens, '<', 7), [...tag, 'punctuation.definition.tag.begin.jsx']);
    assert.deepEqual(scopesOf(tokens, 'Chart', 7), [...tag, 'support.class.component.jsx']);
    assert.deepEqual(scopesOf(tokens, 'data', 7), [...tag, 'entity.other.attribute-name.jsx']);
    assert.deepEqual(scopesOf(tokens, 'sales', 7), [...tag, 'meta.embedded.expression.mdx', 'source.js']);
    assert.deepEqual(scopesOf(tokens, 'Q1', 7), [...tag, 'string.quoted.double.jsx']);
    assert.deepEqual(scopesOf(tokens, '/', 7).slice(-1), ['punctuation.definition.tag.end.jsx']);
  });

  test('opening and closing tags around Markdown children; an inline expression; none inside code', () => {
    assert.deepEqual(scopesOf(tokens, 'Callout', 9), ['source.mdx', 'meta.embedded.jsx.mdx', 'support.class.component.jsx']);
    assert.deepEqual(scopesOf(tokens, 'Callout', 11), ['source.mdx', 'meta.embedded.jsx.mdx', 'support.class.component.jsx']);
    assert.deepEqual(scopesOf(tokens, '/', 11), ['source.mdx', 'meta.embedded.jsx.mdx', 'punctuation.definition.tag.begin.jsx']);
    assert.deepEqual(scopesOf(tokens, 'Posts go out at', 10), ['source.mdx', 'meta.paragraph.markdown']);
    assert.deepEqual(scopesOf(tokens, 'meta.time', 10), [
      'source.mdx',
      'meta.paragraph.markdown',
      'meta.embedded.expression.mdx',
      'source.js',
    ]);
    assert.deepEqual(scopesOf(tokens, '{not js}', 10), ['source.mdx', 'meta.paragraph.markdown', 'markup.inline.raw.string.markdown']);
  });

  test('an MDX comment and a multi-line expression', () => {
    assert.deepEqual(scopesOf(tokens, 'a note for the team', 13), ['source.mdx', 'comment.block.mdx']);
    assert.deepEqual(scopesOf(tokens, 'items.length', 16), ['source.mdx', 'meta.embedded.expression.mdx', 'source.js']);
    assert.deepEqual(scopesOf(tokens, '}', 17), ['source.mdx', 'meta.embedded.expression.mdx', 'punctuation.section.embedded.end.mdx']);
  });

  test('an indented line is text with JSX, not indented code', () => {
    assert.deepEqual(scopesOf(tokens, 'indented', 19), ['source.mdx', 'meta.paragraph.markdown']);
    assert.deepEqual(scopesOf(tokens, 'Badge', 19), ['source.mdx', 'meta.paragraph.markdown', 'meta.embedded.jsx.mdx', 'support.class.component.jsx']);
    assert.ok(!tokens.some((t) => t.scopes.includes('markup.raw.block.markdown')));
  });

  test('a lone < in prose is not a tag', () => {
    assert.deepEqual(scopesOf(tokens, 'a < b', 21), ['source.mdx', 'meta.paragraph.markdown']);
  });
});

describe('the MDX grammar in the manifest and the VSIX', () => {
  const manifest = JSON.parse(readFileSync(path.join(EXTENSION, 'package.json'), 'utf8')) as {
    contributes: {
      grammars: { language?: string; scopeName: string; path: string; embeddedLanguages?: Record<string, string> }[];
      configurationDefaults: Record<string, Record<string, unknown>>;
    };
  };

  test('contributed for the mdx language, with its embedded JavaScript', () => {
    const grammar = manifest.contributes.grammars.find((g) => g.scopeName === 'source.mdx');
    assert.ok(grammar);
    assert.equal(grammar.language, 'mdx');
    assert.equal(path.normalize(grammar.path), path.normalize('./syntaxes/mdx.tmLanguage.json'));
    assert.equal(grammar.embeddedLanguages?.['source.js'], 'javascript');
    assert.equal(grammar.embeddedLanguages?.['meta.embedded.block.frontmatter'], 'yaml');
  });

  test('MDX gets the editor defaults VS Code gives Markdown', () => {
    assert.deepEqual(manifest.contributes.configurationDefaults['[mdx]'], {
      'editor.unicodeHighlight.ambiguousCharacters': false,
      'editor.unicodeHighlight.invisibleCharacters': false,
      'editor.wordWrap': 'on',
    });
  });

  test('.vscodeignore ships the grammar', () => {
    const lines = readFileSync(path.join(EXTENSION, '.vscodeignore'), 'utf8').split('\n');
    assert.ok(lines.includes('!syntaxes/**'), lines.join('\n'));
  });
});
