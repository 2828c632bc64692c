import { type ReactNode, useEffect, useRef } from 'react';

let isFirstScreen = true;

export interface PageHeadingProps {
  id?: string;
  children: ReactNode;
}

/**
 * A screen's `h1`. When the screen changes inside the app it takes the focus, so keyboard and
 * screen-reader users land on the new content instead of staying on the link they pressed. The very
 * first screen after a page load leaves the focus where the browser put it.
 */
export function PageHeading({ id, children }: PageHeadingProps) {
  const ref = useRef<HTMLHeadingElement>(null);
  const focusOnMount = useRef(!isFirstScreen);
  useEffect(() => {
    isFirstScreen = false;
    if (focusOnMount.current) ref.current?.focus();
  }, []);
  return (
    <h1 id={id} ref={ref} tabIndex={-1} className="page-heading">
      {children}
    </h1>
  );
}
