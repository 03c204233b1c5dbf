import { streamText } from 'ai';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_MODEL_CHARS } from '../../shared/domain/types.ts';
import { BadUserInputError } from '../../shared/errors.ts';
import { startFakeAnthropicServer } from '../../test/fixtures/fake-anthropic-server.ts';
import {
  type FakeProviderServer,
  startFakeOpenAIServer,
} from '../../test/fixtures/fake-openai-server.ts';
import { createModelRegistry, type ProviderConfig } from './registry.ts';

const servers: FakeProviderServer[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function answer(registry: ReturnType<typeof createModelRegistry>, model: string) {
  const result = streamText({
    model: registry.resolve(model),
    prompt: 'hi',
    maxRetries: 0,
    onError: () => {},
  });
  return result.text;
}

function thrown(run: () => void): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('the model registry', () => {
  it('always knows demo:echo, which needs no configuration', async () => {
    const registry = createModelRegistry([]);
    const model = registry.resolve('demo:echo');
    expect(model).toMatchObject({ provider: 'demo', modelId: 'echo', specificationVersion: 'v3' });
    expect(await answer(registry, 'demo:echo')).toBe('echo: hi');
    expect(registry.providerNames()).toEqual(['demo']);
  });

  it('splits model strings on the first colon, so model ids may contain colons', async () => {
    const server = await startFakeOpenAIServer({ scenarios: [{ kind: 'text', chunks: ['ok'] }] });
    servers.push(server);
    const registry = createModelRegistry([
      { name: 'ollama', type: 'openai-compatible', baseURL: server.baseURL },
    ]);
    expect(registry.resolve('ollama:llama3.1:8b').modelId).toBe('llama3.1:8b');
    expect(await answer(registry, 'ollama:llama3.1:8b')).toBe('ok');
    expect(server.requests[0]?.body).toMatchObject({
      model: 'llama3.1:8b',
      stream_options: { include_usage: true },
    });
    // No key configured: an openai-compatible server gets no Authorization header at all.
    expect(server.requests[0]?.headers.authorization).toBeUndefined();
  });

  it('sends openai providers to chat completions with the configured key and headers', async () => {
    const server = await startFakeOpenAIServer({ scenarios: [{ kind: 'text', chunks: ['hey'] }] });
    servers.push(server);
    const registry = createModelRegistry([
      {
        name: 'openai',
        type: 'openai',
        baseURL: server.baseURL,
        apiKey: 'sk-test-key',
        headers: { 'x-team': 'agents' },
      },
    ]);
    expect(await answer(registry, 'openai:gpt-4.1')).toBe('hey');
    const [request] = server.requests;
    expect(request?.path).toBe('/v1/chat/completions');
    expect(request?.headers.authorization).toBe('Bearer sk-test-key');
    expect(request?.headers['x-team']).toBe('agents');
  });

  it('sends anthropic providers to the Messages API with x-api-key', async () => {
    const server = await startFakeAnthropicServer({
      scenarios: [{ kind: 'text', chunks: ['hello'] }],
    });
    servers.push(server);
    const registry = createModelRegistry([
      { name: 'claude', type: 'anthropic', baseURL: server.baseURL, apiKey: 'ant-key' },
    ]);
    expect(await answer(registry, 'claude:claude-sonnet-4-5')).toBe('hello');
    const [request] = server.requests;
    expect(request?.path).toBe('/v1/messages');
    expect(request?.headers['x-api-key']).toBe('ant-key');
    expect(request?.body).toMatchObject({ model: 'claude-sonnet-4-5', stream: true });
  });

  it('lists demo first, then the configured providers', () => {
    const registry = createModelRegistry([
      { name: 'openai', type: 'openai' },
      { name: 'anthropic', type: 'anthropic' },
    ]);
    expect(registry.providerNames()).toEqual(['demo', 'openai', 'anthropic']);
  });

  it.each([['gpt-4.1'], [':gpt-4.1'], ['openai:'], ['openai: gpt-4.1'], ['']])(
    'rejects the malformed model string %j as bad user input',
    (model) => {
      const registry = createModelRegistry([{ name: 'openai', type: 'openai' }]);
      const error = thrown(() => registry.validate(model));
      expect(error).toBeInstanceOf(BadUserInputError);
      expect(error).toMatchObject({ code: 'BAD_USER_INPUT' });
      expect((error as Error).message).toContain('provider:model');
      expect(() => registry.resolve(model)).toThrow(BadUserInputError);
    },
  );

  it('rejects an unknown provider and lists the configured ones', () => {
    const registry = createModelRegistry([{ name: 'openai', type: 'openai' }]);
    const error = thrown(() => registry.validate('mistral:large'));
    expect(error).toBeInstanceOf(BadUserInputError);
    expect((error as Error).message).toContain('"mistral"');
    expect((error as Error).message).toContain('Configured providers: demo, openai');
  });

  it('rejects a model string over MAX_MODEL_CHARS without quoting it back', () => {
    const registry = createModelRegistry([{ name: 'openai', type: 'openai' }]);
    const model = `openai:${'m'.repeat(100_000)}`;
    const error = thrown(() => registry.validate(model));
    expect(error).toBeInstanceOf(BadUserInputError);
    expect((error as Error).message).toBe(
      `model is ${model.length} characters long; the limit is ${MAX_MODEL_CHARS}.`,
    );
    expect(() => registry.resolve(model)).toThrow(BadUserInputError);
    expect(() => registry.validate(`openai:${'m'.repeat(MAX_MODEL_CHARS - 7)}`)).not.toThrow();
  });

  it('rejects demo models other than echo', () => {
    const registry = createModelRegistry([]);
    const error = thrown(() => registry.validate('demo:parrot'));
    expect(error).toBeInstanceOf(BadUserInputError);
    expect((error as Error).message).toContain('"demo:echo"');
  });

  it.each<[string, ProviderConfig[], string]>([
    [
      'a reused name',
      [
        { name: 'x', type: 'openai' },
        { name: 'x', type: 'anthropic' },
      ],
      'twice',
    ],
    ['the reserved name demo', [{ name: 'demo', type: 'openai' }], 'built-in'],
    ['a name with a colon', [{ name: 'a:b', type: 'openai' }], 'letters, digits'],
    ['openai-compatible without baseURL', [{ name: 'o', type: 'openai-compatible' }], 'baseURL'],
    [
      'a baseURL that is no URL',
      [{ name: 'o', type: 'openai', baseURL: 'localhost' }],
      'not a URL',
    ],
  ])('refuses a configuration with %s', (_, providers, message) => {
    expect(() => createModelRegistry(providers)).toThrow(message);
  });
});
