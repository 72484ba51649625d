import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveOpenAiOperation } from './index.js';

test('the client path picks the OpenAI endpoint; anything else is chat', () => {
  const cases: [string, string][] = [
    ['/openai', '/v1/chat/completions'],
    ['/openai/chat/completions', '/v1/chat/completions'],
    ['/openai/v1/chat/completions', '/v1/chat/completions'],
    ['/openai/completions', '/v1/completions'],
    ['/openai/embeddings', '/v1/embeddings'],
    ['/openai/models', '/v1/models'],
    ['/openai/models/gpt-4o', '/v1/models/gpt-4o'],
    ['/openai/responses', '/v1/responses'],
    ['/openai/responses/resp_1', '/v1/responses/resp_1'],
    ['/openai/responses/resp_1/cancel', '/v1/responses/resp_1/cancel'],
    ['/anything/else', '/v1/chat/completions'],
  ];
  for (const [path, upstream] of cases) assert.equal(resolveOpenAiOperation(path).upstreamPath, upstream, path);
  assert.equal(resolveOpenAiOperation('/openai/models').bodyHasModel, false);
  assert.equal(resolveOpenAiOperation('/openai/embeddings').bodyHasModel, true);
});
