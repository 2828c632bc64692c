import { createContext, useContext } from 'react';
import type { KnewtonAccountQueryOptionsInput } from './knewtonAccountQueryOptions.js';

export const KnewtonContext = createContext<KnewtonAccountQueryOptionsInput | undefined>(undefined);

/** The nearest `KnewtonProvider`'s settings; misuse names the fix. */
export function useKnewtonContext(): KnewtonAccountQueryOptionsInput {
  const input = useContext(KnewtonContext);
  if (!input)
    throw new Error('No KnewtonProvider set: wrap this part of the app in <KnewtonProvider>');
  return input;
}
