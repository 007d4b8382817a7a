import { describe, expect, it } from 'vitest';

import { createClient, createConfig } from './api/gen/client';
import * as sdk from './api/gen/sdk.gen';
import { ApiError, errorMessage, humanFieldMessage, throwApiErrors } from './api-error';

function clientAnswering(fetchImpl: (request: Request) => Promise<Response>) {
  const http = createClient(
    createConfig({ baseUrl: 'http://localhost', fetch: fetchImpl as typeof fetch }),
  );
  throwApiErrors(http);
  return http;
}

async function failureOf(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

describe('ApiError from the generated client', () => {
  it('no answer (fetch rejects) is status 0: a network error shown as "Can\'t reach the server"', async () => {
    const http = clientAnswering(async () => {
      throw new TypeError('Failed to fetch');
    });
    const error = await failureOf(sdk.entriesListTags({ client: http }));
    expect(error.status).toBe(0);
    expect(error.isNetwork).toBe(true);
    expect(error.retryable).toBe(true);
    expect(error.code).toBe('network_error');
    expect(errorMessage(error)).toBe("Can't reach the server");
    expect(errorMessage(error)).not.toMatch(/Request failed/);
  });

  it('carries the server answer: status, code, detail and field errors', async () => {
    const http = clientAnswering(
      async () =>
        new Response(
          JSON.stringify({
            detail: 'Invalid request: email',
            code: 'validation_error',
            errors: [{ loc: ['body', 'email'], msg: 'not an email' }],
          }),
          { status: 422, headers: { 'Content-Type': 'application/json' } },
        ),
    );
    const error = await failureOf(
      sdk.authRegister({ client: http, body: { email: 'x', password: 'p' } }),
    );
    expect(error).toMatchObject({
      status: 422,
      code: 'validation_error',
      detail: 'Invalid request: email',
      message: 'Invalid request: email',
    });
    expect(error.byField).toEqual({ email: 'Not an email' });
    expect(error.retryable).toBe(false);
  });

  it('a 5xx without a JSON body is retryable and says the server had a problem', async () => {
    const http = clientAnswering(
      async () => new Response('<html>Bad gateway</html>', { status: 502 }),
    );
    const error = await failureOf(sdk.entriesListTags({ client: http }));
    expect(error.status).toBe(502);
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/server had a problem/);
  });
});

describe('humanFieldMessage', () => {
  it('turns the email validator text into one human sentence', () => {
    expect(
      humanFieldMessage(
        'value is not a valid email address: An email address must have an @-sign.',
      ),
    ).toBe('Enter a valid email address (it must have an @-sign).');
  });

  it('drops the "Value error," prefix of custom validators', () => {
    expect(humanFieldMessage('Value error, too common')).toBe('Too common');
  });
});
