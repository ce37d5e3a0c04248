import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig, settings } from './config.ts';

describe('loadConfig', () => {
  it('works with no settings at all: SQLite under ./data, 127.0.0.1:8080', () => {
    const config = loadConfig({ env: {} });
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.port, 8080);
    assert.equal(config.dataDir, path.resolve('data'));
    assert.equal(config.databaseUrl, `sqlite:${path.resolve('data', 'steady.db')}`);
    assert.equal(config.baseUrl, 'http://127.0.0.1:8080');
  });

  it('derives the SQLite file and base URL from the data dir, host and port', () => {
    const config = loadConfig({
      env: { STEADY_DATA_DIR: '/var/lib/steady', STEADY_PORT: '9000', STEADY_HOST: '0.0.0.0' },
    });
    assert.equal(config.databaseUrl, 'sqlite:/var/lib/steady/steady.db');
    assert.equal(config.baseUrl, 'http://127.0.0.1:9000');
  });

  it('lists every bad setting at once', () => {
    try {
      loadConfig({
        env: {
          STEADY_PORT: 'eighty',
          STEADY_DATABASE_URL: 'mysql://x',
          STEADY_LOG_LEVEL: 'loud',
          STEADY_TRUST_PROXY: 'maybe',
        },
      });
      assert.fail('expected ConfigError');
    } catch (error) {
      assert.ok(error instanceof ConfigError);
      assert.equal(error.problems.length, 4);
      assert.match(error.message, /STEADY_PORT: expected a whole number/);
      assert.match(error.message, /STEADY_DATABASE_URL: must start with sqlite: or postgres:\/\//);
      assert.match(error.message, /STEADY_LOG_LEVEL/);
      assert.match(error.message, /STEADY_TRUST_PROXY/);
    }
  });

  it('reads a JSON config file, with the environment winning over it', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'steady-config-'));
    const file = path.join(dir, 'steady.json');
    writeFileSync(
      file,
      JSON.stringify({ port: 9100, baseUrl: 'https://steady.example.com/', logLevel: 'warn' }),
    );
    const config = loadConfig({ env: { STEADY_LOG_LEVEL: 'debug' }, configFile: file });
    assert.equal(config.port, 9100);
    assert.equal(config.baseUrl, 'https://steady.example.com');
    assert.equal(config.logLevel, 'debug');
  });

  it('rejects unknown keys and non-objects in the config file', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'steady-config-'));
    const file = path.join(dir, 'steady.json');
    writeFileSync(file, JSON.stringify({ prot: 9100 }));
    assert.throws(() => loadConfig({ env: {}, configFile: file }), /unknown setting "prot"/);
    writeFileSync(file, '[1]');
    assert.throws(() => loadConfig({ env: {}, configFile: file }), /must hold a JSON object/);
    assert.throws(
      () => loadConfig({ env: {}, configFile: path.join(dir, 'missing.json') }),
      /ENOENT/,
    );
  });

  it('has an environment variable and a description for every setting', () => {
    for (const setting of settings) {
      assert.match(setting.env, /^STEADY_[A-Z_]+$/);
      assert.ok(setting.description.length > 10);
    }
  });
});
