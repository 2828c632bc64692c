import { KnewtonGate, useKnewtonAccount, useProvisionKnewtonAccount } from '@knewton-kit/react';
import { expect, it } from 'vitest';
import { Recommendations } from './App';

// The compiler's output reads its memo cache by slot (`$[0]`); code it skipped or never saw has none.
const compiled = /\$\[\d+\]/;

it.each([
  ['the gate', KnewtonGate],
  ['the account hook', useKnewtonAccount],
  ['the sign-up hook', useProvisionKnewtonAccount],
  ["the app's own component", Recommendations],
])('runs %s as the React Compiler compiled it', (_name, code) => {
  expect(String(code)).toMatch(compiled);
});
