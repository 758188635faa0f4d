// The one bearer check every fixed-secret realm uses: no bearer 401, a wrong one the realm's status
// (401, or 403 where AReaL's clients expect it), the right one passes; never by a plain comparison.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HttpError } from '../../../electron/core/http/errors.ts';
import { requireBearer } from '../../../electron/core/http/secret.ts';

const req = (authorization?: string) => ({ headers: authorization === undefined ? {} : { authorization } });
const status = (fn: () => void) => {
  try {
    fn();
    return 200;
  } catch (err) {
    assert.ok(err instanceof HttpError);
    assert.doesNotMatch(err.message, /s3cret/, 'the secret is never in a message');
    return err.status;
  }
};

test('missing → 401, wrong → the realm says, right → in; a prefix or a longer guess is wrong', () => {
  const admin = { name: 'admin key', secret: 's3cret-admin', wrong: 403 as const };
  const model = { name: 'API key', secret: 's3cret-model' };
  assert.equal(
    status(() => requireBearer(req(), admin)),
    401,
  );
  assert.equal(
    status(() => requireBearer(req('Basic abc'), admin)),
    401,
  );
  assert.equal(
    status(() => requireBearer(req('Bearer nope'), admin)),
    403,
  );
  assert.equal(
    status(() => requireBearer(req('Bearer s3cret'), admin)),
    403,
  );
  assert.equal(
    status(() => requireBearer(req('Bearer s3cret-admin-and-more'), admin)),
    403,
  );
  assert.equal(
    status(() => requireBearer(req('Bearer s3cret-admin'), admin)),
    200,
  );
  assert.equal(
    status(() => requireBearer(req('Bearer nope'), model)),
    401,
  );
  assert.equal(
    status(() => requireBearer(req('Bearer s3cret-model'), model)),
    200,
  );
  assert.equal(
    status(() => requireBearer(req('Bearer '), { name: 'x', secret: '' })),
    401,
    'no secret, no way in',
  );
});
