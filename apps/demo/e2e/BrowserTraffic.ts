import type { BrowserContext, Page, Response } from 'playwright-core';

export interface RecordedResponse {
  url: string;
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * Everything the browser received: every response's status, headers and body, from every page of
 * the contexts it watches. The security checks search all of it.
 */
export class BrowserTraffic {
  readonly responses: RecordedResponse[] = [];
  readonly pageErrors: string[] = [];
  private readonly pending = new Set<Promise<void>>();

  watch(context: BrowserContext): void {
    for (const page of context.pages()) this.watchPage(page);
    context.on('page', (page) => this.watchPage(page));
  }

  private watchPage(page: Page): void {
    page.on('response', (response) => this.track(this.record(response)));
    page.on('pageerror', (error) => this.pageErrors.push(`${page.url()}: ${error.message}`));
  }

  private track(promise: Promise<void>): void {
    this.pending.add(promise);
    void promise.finally(() => this.pending.delete(promise));
  }

  private async record(response: Response): Promise<void> {
    const headers = await response.allHeaders().catch(() => response.headers());
    // Redirects and aborted requests have no body to read; the headers are still kept.
    const body = await response
      .body()
      .then((buffer) => buffer.toString('utf8'))
      .catch(() => '');
    this.responses.push({ url: response.url(), status: response.status(), headers, body });
  }

  /** Waits until every response seen so far has its body recorded. */
  async settle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  /** Responses (with the part that matched) whose URL, headers or body contain `needle`. */
  find(needle: string): string[] {
    return this.responses.flatMap((response) => {
      const where: string[] = [];
      if (response.url.includes(needle)) where.push('url');
      if (Object.values(response.headers).some((value) => value.includes(needle)))
        where.push('headers');
      if (response.body.includes(needle)) where.push('body');
      return where.length > 0 ? [`${response.status} ${response.url} (${where.join(', ')})`] : [];
    });
  }
}
