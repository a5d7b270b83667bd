/**
 * `$filter`, `$top` and `$skip` for the list APIs, with OData's errors mapped onto MDE's
 * (400 `ODataError` naming the position for a bad filter, 400 `InvalidInput` for paging values).
 */
import { MdeErrors } from "../wire/errors";
import { compileFilter, pageParams, type FilterableEntity } from "./odataEval";
import { FilterError } from "./odataFilter";

export function applyQuery<T extends Record<string, unknown>>(items: T[], query: URLSearchParams, entity: FilterableEntity): T[] {
  let page: { top: number; skip: number };
  try {
    page = pageParams(query);
  } catch (e) {
    throw MdeErrors.invalidInput((e as Error).message);
  }
  const filter = query.get("$filter");
  let selected = items;
  if (filter !== null) {
    try {
      const predicate = compileFilter(filter, entity);
      selected = items.filter((i) => predicate(i));
    } catch (e) {
      if (e instanceof FilterError) throw MdeErrors.odata(`The query specified in the URI is not valid. ${e.message}`);
      throw e;
    }
  }
  return selected.slice(page.skip, page.skip + page.top);
}
