import { createRequire } from 'node:module';
import type { BrowserContext, Page } from 'playwright-core';

const require = createRequire(import.meta.url);
/** axe-core from npm, injected into the page as a script (no browser extension, no CDN). */
const axeSource = require('node:fs').readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Starts summing the page's layout shifts from its very first frame: call before `goto`/`reload`.
 * Shifts right after user input do not count, as in the CLS metric.
 */
export async function recordLayoutShifts(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const shifts = { total: 0 };
    (window as unknown as { __layoutShift: typeof shifts }).__layoutShift = shifts;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries() as (PerformanceEntry & {
        value: number;
        hadRecentInput: boolean;
      })[]) {
        if (!entry.hadRecentInput) shifts.total += entry.value;
      }
    }).observe({ type: 'layout-shift', buffered: true });
  });
}

/** The cumulative layout shift since the page loaded (needs `recordLayoutShifts` first). */
export function layoutShift(page: Page): Promise<number> {
  return page.evaluate(
    () => (window as unknown as { __layoutShift?: { total: number } }).__layoutShift?.total ?? -1,
  );
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  nodes: string[];
}

/** axe-core's violations on the page as it is now (WCAG 2 A and AA rules and best practices). */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => 'axe' in window)))
    await page.addScriptTag({ content: axeSource });
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: Document) => Promise<unknown> } })
      .axe;
    const result = (await axe.run(document)) as {
      violations: { id: string; impact: string | null; nodes: { target: string[] }[] }[];
    };
    return result.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      nodes: violation.nodes.map((node) => node.target.join(' ')),
    }));
  });
}

/**
 * The visible buttons (and button-styled links) whose centre, once scrolled into view, is covered by
 * something else: what a tap there would hit instead. Empty when every one of them can be tapped.
 * Controls kept off-screen until focused (the skip link) are left out: nobody taps them.
 */
export async function coveredButtons(page: Page): Promise<string[]> {
  const buttons = page.locator('button:visible, a.button:visible, input[type=submit]:visible');
  const covered: string[] = [];
  for (const button of await buttons.all()) {
    await button.scrollIntoViewIfNeeded();
    const hit = await button.evaluate((element) => {
      const box = element.getBoundingClientRect();
      if (box.bottom <= 0 || box.right <= 0 || box.top >= innerHeight || box.left >= innerWidth) {
        return undefined;
      }
      const top = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
      return top === element || element.contains(top)
        ? undefined
        : `${(element.textContent ?? '').trim()} is covered by ${top?.outerHTML.slice(0, 80)}`;
    });
    if (hit) covered.push(hit);
  }
  return covered;
}
