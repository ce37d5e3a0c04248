import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeValidationIssue } from './error-handler.ts';

describe('describeValidationIssue', () => {
  const cases: [
    Parameters<typeof describeValidationIssue>[0],
    string,
    { field: string; message: RegExp },
  ][] = [
    [
      {
        keyword: 'additionalProperties',
        instancePath: '',
        params: { additionalProperty: 'isAdmin' },
      },
      'body',
      { field: 'isAdmin', message: /Unknown field "isAdmin" in the body/ },
    ],
    [
      {
        keyword: 'additionalProperties',
        instancePath: '/labels',
        params: { additionalProperty: 'x' },
      },
      'body',
      { field: 'labels.x', message: /Unknown field "labels.x"/ },
    ],
    [
      { keyword: 'required', instancePath: '', params: { missingProperty: 'email' } },
      'body',
      { field: 'email', message: /needs the field "email"/ },
    ],
    [
      {
        keyword: 'type',
        instancePath: '/scopes/0',
        params: { type: 'string' },
        message: 'must be string',
      },
      'body',
      { field: 'scopes.0', message: /^"scopes.0" must be text\.$/ },
    ],
    [
      { keyword: 'type', instancePath: '', params: { type: 'object' }, message: 'must be object' },
      'body',
      { field: 'body', message: /^"body" must be an object\.$/ },
    ],
    [
      {
        keyword: 'maximum',
        instancePath: '/limit',
        params: { comparison: '<=', limit: 200 },
        message: 'must be <= 200',
      },
      'query string',
      { field: 'limit', message: /^"limit" must be at most 200\.$/ },
    ],
    // A pattern is never shown as a regex: its schema says in words what it wants.
    [
      {
        keyword: 'pattern',
        instancePath: '/email',
        params: { pattern: '^\\s*[^\\s@]+@[^\\s@]+\\s*$' },
        message: 'must match pattern "^\\s*[^\\s@]+@[^\\s@]+\\s*$"',
        parentSchema: { type: 'string', patternHint: 'must be an email address' },
      },
      'body',
      { field: 'email', message: /^"email" must be an email address\.$/ },
    ],
    [
      {
        keyword: 'pattern',
        instancePath: '/code',
        params: { pattern: '^[A-Z]+$' },
        message: 'must match pattern "^[A-Z]+$"',
        parentSchema: { type: 'string' },
      },
      'body',
      { field: 'code', message: /^"code" is not in the form this field takes\.$/ },
    ],
    [
      { keyword: 'minLength', instancePath: '/name', params: { limit: 1 } },
      'body',
      { field: 'name', message: /^"name" must not be empty\.$/ },
    ],
    [
      {
        keyword: 'anyOf',
        instancePath: '/role',
        params: {},
        message: 'must match a schema in anyOf',
        parentSchema: { anyOf: [{ const: 'viewer' }, { const: 'owner' }] },
      },
      'body',
      { field: 'role', message: /^"role" must be one of viewer, owner\.$/ },
    ],
  ];
  for (const [issue, part, expected] of cases) {
    it(`names ${expected.field} for a ${issue.keyword ?? ''} issue`, () => {
      const result = describeValidationIssue(issue, part);
      assert.equal(result.field, expected.field);
      assert.match(result.message, expected.message);
    });
  }
});
