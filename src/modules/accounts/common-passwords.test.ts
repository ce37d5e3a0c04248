import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { commonPasswordReason, loadCommonPasswords } from './common-passwords.ts';

const common = loadCommonPasswords();

describe('commonPasswordReason', () => {
  it('loads the bundled breached-password list', () => {
    assert.ok(common.size > 40_000, `${common.size} passwords`);
    assert.ok(common.has('password') && common.has('qwerty') && common.has('trustno1'));
  });

  // The five a probe found accepted, then the patterns they stand for.
  const refused: [string, RegExp][] = [
    ['password1234', /commonly used/],
    ['123456789012', /commonly used|digits and symbols|in order/],
    ['qwertyuiopas', /in order/],
    ['passwordpassword', /repeats|commonly/],
    ['Password123!', /commonly used password \("password"\)/],
    ['P@ssw0rd2024!', /commonly used password \("p@ssw0rd"\)/],
    ['iloveyou12345', /commonly used password \("iloveyou"\)/],
    ['trustno1trustno1', /repeats|commonly/],
    ['zyxwvutsrqpo', /in order/],
    ['1qaz2wsx3edc', /commonly used|in order/],
    ['mnbvcxzlkjhg', /in order/],
    ['abcabcabcabc', /repeats/],
    ['aaaaaaaaaaaa', /repeats/],
    ['!!!!????2024', /digits and symbols/],
    ['steady123456', /commonly used password \("steady"\)/],
    ['Dragon  2025!!', /commonly used password \("dragon"\)/],
    ['baseball', /list of commonly used/],
  ];
  for (const [password, reason] of refused) {
    it(`refuses ${JSON.stringify(password)}`, () => {
      assert.match(commonPasswordReason(password, common) ?? 'accepted', reason);
    });
  }

  const accepted = [
    'correct horse battery staple',
    'kill dash nine test',
    'Tr0ub4dor&3 on a blue moon',
    'mauve-ledger-otter-1987',
    'xK9#vQ2!mW7pL4',
    'ещё одна фраза',
    'größere Kühlschränke 2024',
  ];
  for (const password of accepted) {
    it(`accepts ${JSON.stringify(password)}`, () => {
      assert.equal(commonPasswordReason(password, common), null);
    });
  }
});
