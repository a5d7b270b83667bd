/**
 * What both resources take to ask for investigation packages: the single collection's args and
 * the sweep's extend it, so the two name, type and document these the same way.
 */
import type * as pulumi from "@pulumi/pulumi";

export interface CollectionRequestArgs {
  /** Why the package is collected; MDE records it with every action. Changing it starts a new collection (in a sweep, a new round on every machine). */
  comment: pulumi.Input<string>;
  /** Any change to these values starts a new collection, as a changed comment does (e.g. `{ round: "2" }`). */
  triggers?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Wait until each collection reaches a final status. @default true */
  waitForCompletion?: pulumi.Input<boolean>;
  /** How long one `pulumi up` waits for each collection before leaving it running and failing. @default 60 */
  timeoutMinutes?: pulumi.Input<number>;
  /** Where to keep each package, its manifest and the custody log. Unset: packages are not fetched. */
  evidenceDirectory?: pulumi.Input<string>;
}
