/** The page's one script (allowed by its hash in the CSP): the table helper, then the views, in strict mode. */
import { APP_TABLE } from "./appTable";
import { APP_VIEWS } from "./appViews";

export const APP_SCRIPT = `(function () {\n"use strict";\n${APP_TABLE}\n${APP_VIEWS}\n})();`;
