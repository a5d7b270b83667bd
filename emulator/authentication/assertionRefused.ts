/**
 * A client assertion Entra refuses, with the fields its error JSON is built from (the token
 * endpoint answers with those, never the message). Its own module because both the assertion
 * checks (clientAssertion.ts) and the fetch of an issuer's keys (issuerKeys.ts) refuse with it,
 * and the checks use the keys: kept in either file, the two would import each other.
 */
import { ForensicsError } from "../../provider/util/error";

export class AssertionRefused extends ForensicsError {
  override name = "AssertionRefused";
  constructor(
    readonly status: 400 | 401,
    readonly error: string,
    readonly aadsts: number,
    readonly text: string,
  ) {
    super(`AADSTS${aadsts}: ${text}`);
  }
}
