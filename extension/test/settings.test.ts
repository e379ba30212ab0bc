// The settings in package.json are all editable in VS Code's Settings UI: one type each, never null,
// and a default of that type (the Settings UI shows no input box for a `null` type or default).

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';

interface SettingSpec {
  type?: string | string[];
  default?: unknown;
  enum?: unknown[];
  items?: { type?: string };
  minimum?: number;
  maximum?: number;
  scope?: string;
}

const manifest = JSON.parse(readFileSync(path.resolve(__dirname, '..', '..', 'package.json'), 'utf8')) as {
  capabilities: { untrustedWorkspaces: { restrictedConfigurations: string[] } };
  contributes: { configuration: { properties: Record<string, SettingSpec> } | { properties: Record<string, SettingSpec> }[] };
};
const sections = Array.isArray(manifest.contributes.configuration) ? manifest.contributes.configuration : [manifest.contributes.configuration];
const settings: [string, SettingSpec][] = sections.flatMap((section) => Object.entries(section.properties));

function typeOf(value: unknown): string {
  if (value === null) {
    return 'null';
  }
  if (Array.isArray(value)) {
    return 'array';
  }
  if (typeof value === 'number') {
    return Number.isInteger(value) ? 'integer' : 'number';
  }
  return typeof value;
}

describe('package.json settings', () => {
  test('there are settings to check', () => {
    assert.ok(settings.length >= 20, `${settings.length} settings`);
  });

  for (const [key, spec] of settings) {
    test(`${key}: one type, not null, with a default of that type`, () => {
      assert.equal(typeof spec.type, 'string', `${key}: type ${JSON.stringify(spec.type)} (a list of types, or null, has no editor in the Settings UI)`);
      assert.notEqual(spec.type, 'null');
      assert.ok('default' in spec, `${key} has no default`);
      const actual = spec.type === 'number' && typeOf(spec.default) === 'integer' ? 'number' : typeOf(spec.default);
      assert.equal(actual, spec.type, `${key}: default ${JSON.stringify(spec.default)} is not a ${spec.type}`);
      if (spec.enum !== undefined) {
        assert.ok(spec.enum.includes(spec.default), `${key}: default ${JSON.stringify(spec.default)} is not one of its enum`);
      }
      if (typeof spec.default === 'number') {
        assert.ok(spec.minimum === undefined || spec.default >= spec.minimum, `${key}: default below its minimum`);
        assert.ok(spec.maximum === undefined || spec.default <= spec.maximum, `${key}: default above its maximum`);
      }
      if (Array.isArray(spec.default) && spec.items?.type !== undefined) {
        for (const item of spec.default) {
          assert.equal(typeOf(item), spec.items.type, `${key}: item ${JSON.stringify(item)}`);
        }
      }
    });
  }

  test('the endpoint, the default pack and the chain are plain strings and a list, empty by default', () => {
    const byKey = new Map(settings);
    assert.deepEqual(byKey.get('aicmo.generator.baseUrl')?.default, '');
    assert.equal(byKey.get('aicmo.generator.baseUrl')?.scope, 'window');
    assert.deepEqual(byKey.get('aicmo.defaultPack')?.default, '');
    assert.deepEqual(byKey.get('aicmo.generator.chain')?.default, []);
    assert.equal(byKey.get('aicmo.generator.chain')?.items?.type, 'string');
  });

  test('untrusted workspaces cannot choose the server, the interpreter or the endpoint', () => {
    const restricted = manifest.capabilities.untrustedWorkspaces.restrictedConfigurations;
    for (const key of ['aicmo.server.path', 'aicmo.python.path', 'aicmo.generator.baseUrl']) {
      assert.ok(restricted.includes(key), key);
      assert.ok(settings.some(([name]) => name === key), `${key} is restricted but not declared`);
    }
  });
});
