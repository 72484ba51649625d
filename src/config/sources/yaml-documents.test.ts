import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseManifests } from './yaml-documents.js';

test('YAML is read as Kubernetes reads it: dates stay strings, merge keys merge', () => {
  const [backend] = parseManifests(
    `kind: Backend
defaults: &auth {authToken: {kind: Inline, inline: k}}
spec:
  azureopenai:
    <<: *auth
    apiVersion: 2024-10-21
    deploymentName: yes
`,
    { source: 'apply' },
  );
  assert.deepEqual((backend?.object.spec as Record<string, unknown>).azureopenai, { authToken: { kind: 'Inline', inline: 'k' }, apiVersion: '2024-10-21', deploymentName: 'yes' });
});
