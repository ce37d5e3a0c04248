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
      { keyword: 'type', instancePath: '/scopes/0', message: 'must be string' },
      'body',
      { field: 'scopes.0', message: /"scopes.0" must be string/ },
    ],
    [
      { keyword: 'type', instancePath: '', message: 'must be object' },
      'body',
      { field: 'body', message: /"body" must be object/ },
    ],
    [
      { keyword: 'maximum', instancePath: '/limit', message: 'must be <= 200' },
      'query string',
      { field: 'limit', message: /must be <= 200/ },
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
