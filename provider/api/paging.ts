/**
 * Reads every page of an MDE collection.
 *
 * Why self-paging: MDE does not document `@odata.nextLink`; users report none when `$top` is set
 * and a broken one without it (M365 issues #8489, #8316). So pages are requested with `$top` and
 * `$skip`; a `nextLink` is still followed when one comes, but only to the API's own origin, since
 * the request carries our bearer token.
 */
import type { Logger } from "../util/logger";
import { MdeUnexpectedResponseError } from "./errors";
import { buildUrl } from "./ids";

/** MDE's maximum `$top` for machines and machine actions. */
export const MAX_PAGE_SIZE = 10_000;
/** Fewest calls against a 100/min quota: always ask for the largest page. */
export const DEFAULT_PAGE_SIZE = MAX_PAGE_SIZE;
/** A server that ignores `$skip` would otherwise be paged forever. */
export const MAX_PAGES = 1_000;

export interface ListOptions {
  /** OData `$filter` expression; build literals with `odataString`. */
  filter?: string;
  /** Most items to return in all. @default all */
  top?: number;
  /** Items to skip first. @default 0 */
  skip?: number;
  signal?: AbortSignal;
}

export interface Page<T> {
  value: T[];
  nextLink?: string | null;
}

export interface PagerConfig<T> {
  apiUrl: string;
  path: string;
  pageSize: number;
  logger: Logger;
  fetchPage: (url: string) => Promise<Page<T>>;
}

/** Fetches pages until `top` items are read or the collection ends. */
export async function listAll<T>(config: PagerConfig<T>, options: ListOptions): Promise<T[]> {
  const items: T[] = [];
  const top = options.top ?? Number.POSITIVE_INFINITY;
  const origin = new URL(config.apiUrl).origin;
  const seenLinks = new Set<string>();
  let offset = options.skip ?? 0;
  let nextUrl: string | undefined;
  for (let pages = 0; items.length < top; pages++) {
    if (pages >= MAX_PAGES) {
      throw new MdeUnexpectedResponseError(`Paging ${config.path} did not end after ${MAX_PAGES} pages; MDE may be ignoring $skip.`);
    }
    const want = Math.min(config.pageSize, top - items.length);
    const url = nextUrl ?? buildUrl(config.apiUrl, config.path, { $filter: options.filter, $top: want, $skip: offset > 0 ? offset : undefined });
    const page = await config.fetchPage(url);
    items.push(...page.value.slice(0, top - items.length));
    offset += page.value.length;
    nextUrl = undefined;
    if (page.nextLink) {
      const link = new URL(page.nextLink, config.apiUrl);
      if (link.origin === origin && !seenLinks.has(link.href)) {
        seenLinks.add(link.href);
        nextUrl = link.href;
        continue;
      }
      config.logger.warn(`MDE sent an @odata.nextLink for ${config.path} to another origin (${link.origin}) or a repeated one; paging with $skip instead.`);
    }
    if (page.value.length < want) break;
  }
  return items;
}
