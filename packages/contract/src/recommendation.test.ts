import { describe, expect, it } from 'vitest';
import { parseRecommendationResponse } from './index.js';

describe('parseRecommendationResponse', () => {
  const valid = {
    recommendationId: '18446744073709551615',
    moduleIds: ['mref-a'],
    status: 'ready',
  };

  it('accepts the documented shape, keeps a 64-bit id exact and drops unknown fields', () => {
    expect(parseRecommendationResponse({ ...valid, extra: true })).toEqual(valid);
  });

  it.each([
    null,
    {},
    { ...valid, recommendationId: 7 },
    { ...valid, recommendationId: '-1' },
    { ...valid, moduleIds: 'mref-a' },
    { ...valid, moduleIds: [1] },
    { ...valid, status: 'done' },
  ])('refuses %j', (json) => {
    expect(parseRecommendationResponse(json)).toBeUndefined();
  });
});
