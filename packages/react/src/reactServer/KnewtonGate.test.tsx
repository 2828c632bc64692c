import { isValidElement, type ReactElement } from 'react';
import { describe, expect, it } from 'vitest';
import { KnewtonGate as ClientKnewtonGate, type KnewtonGateProps } from '../KnewtonGate.js';
import { KnewtonGate } from './KnewtonGate.js';

/** How React marks a reference to a client module's export, and to a "use server" function. */
const reference = (tag: string) =>
  Object.assign(() => null, { $$typeof: Symbol.for(tag) }) as unknown as () => null;

describe('KnewtonGate under the react-server condition', () => {
  it('renders the client gate with the same props when every prop can cross to the client', () => {
    const props = { children: <p>gated</p>, fallback: 'off', error: <p>failed</p> };
    const rendered = KnewtonGate(props) as ReactElement<KnewtonGateProps>;
    expect(isValidElement(rendered)).toBe(true);
    expect(rendered.type).toBe(ClientKnewtonGate);
    expect(rendered.props).toEqual(props);
  });

  it('lets client component references and server functions through', () => {
    const component = reference('react.client.reference');
    const onError = reference('react.server.reference');
    const rendered = KnewtonGate({ component, onError }) as ReactElement<KnewtonGateProps>;
    expect(rendered.props).toEqual({ component, onError });
  });

  it('names the fix for a function child: component={...} from a "use client" file', () => {
    expect(() => KnewtonGate({ children: (accountId) => accountId })).toThrow(
      /^<KnewtonGate children=\{function\}> was rendered by a server component.*<KnewtonGate component=\{Recommendations\} \/>.*"use client" file/,
    );
  });

  it('names the fix for a component defined in server code, an error function and an onError', () => {
    expect(() => KnewtonGate({ component: () => null })).toThrow(
      /<KnewtonGate component=\{function\}>.*Pass a client component/,
    );
    expect(() => KnewtonGate({ children: 'x', error: () => 'failed' })).toThrow(
      /<KnewtonGate error=\{function\}>.*Pass an element/,
    );
    expect(() => KnewtonGate({ children: 'x', onError: () => {} })).toThrow(
      /<KnewtonGate onError=\{function\}>.*"use server" function/,
    );
  });
});
