/**
 * The program side of unknownSettings.ts: the first resource of this package a program declares
 * warns, once, about `mde:*` keys no setting reads, so `pulumi preview` shows it beside the stack.
 */
import * as pulumi from "@pulumi/pulumi";
import { unknownSettingWarnings } from "../api/unknownSettings";
import { processSingleton } from "../util/registry";

export function warnUnknownSettingsOnce(): void {
  processSingleton("settings-warnings", "mde", () => {
    for (const line of unknownSettingWarnings(Object.keys(pulumi.runtime.allConfig()))) void pulumi.log.warn(line);
    return true;
  });
}
